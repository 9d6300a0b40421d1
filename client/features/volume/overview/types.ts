import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../../server/trpc/app-router.ts";

export type Overview = inferRouterOutputs<AppRouter>["volume"]["overview"];
export type BankRow = Overview["banks"][number];
export type ChartData = Overview["linkChart"];
