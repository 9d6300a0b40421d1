import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/trpc/app-router.ts";

type Out = inferRouterOutputs<AppRouter>["suspensions"];
export type SuspensionPreview = Out["preview"];
export type SuspensionListRow = Out["list"][number];
export type BankSuspensions = Out["forBank"];
export type QuarantinePage = Out["quarantineList"];
export type QuarantineRow = QuarantinePage["rows"][number];
