// Opening the console at /overview: ask for the overview's figures and fetch the page's code at
// once, beside the session check, instead of one after the other (session → page code → query).
// Part of the initial bundle, so it stays tiny. A signed-out person's early query fails quietly
// (meta.quietSessionLoss): the session check sends them to sign in as before.
import type { QueryClient } from "@tanstack/react-query";
import type { useTRPC } from "../../../trpc.ts";
import { overviewInputFromParams } from "./input.ts";

let started = false;

export function preloadOverview(location: { pathname: string; search: string }, queryClient: QueryClient, trpc: ReturnType<typeof useTRPC>) {
  if (started || location.pathname !== "/overview") return;
  started = true;
  void import("../OverviewPage.tsx");
  const input = overviewInputFromParams(new URLSearchParams(location.search));
  if (input) void queryClient.prefetchQuery({ ...trpc.volume.overview.queryOptions(input), meta: { quietSessionLoss: true } });
}
