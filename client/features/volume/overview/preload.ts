// Opening the console at /overview: ask for the overview's figures and fetch the page's code at
// once, beside the session check, instead of one after the other (session → page code → query).
// Part of the initial bundle, so it stays tiny. A signed-out person's early query fails quietly
// (meta.quietSessionLoss): the session check sends them to sign in as before.
import type { QueryClient } from "@tanstack/react-query";
import type { useTRPC } from "../../../trpc.ts";
import { overviewInputFromParams } from "./input.ts";
import { loadOverviewPage, loadedOverviewPage } from "./page-module.ts";

let started = false;

type OverviewPageModule = typeof import("../OverviewPage.tsx");

/**
 * The overview page's code for React.lazy. Once loaded (preloadOverview asks for it at start), it is
 * handed over in a thenable that answers at once, so the page renders without suspending: a
 * suspended first render showed the full-page loader instead of the console's frame and rendered
 * everything again later (React waits before revealing content that replaced a fallback).
 */
export function overviewPageModule(): Promise<OverviewPageModule> {
  const m = loadedOverviewPage();
  if (m) return { then: (resolve: (v: OverviewPageModule) => unknown) => resolve(m) } as unknown as Promise<OverviewPageModule>;
  return loadOverviewPage();
}

export function preloadOverview(location: { pathname: string; search: string }, queryClient: QueryClient, trpc: ReturnType<typeof useTRPC>) {
  if (started || location.pathname !== "/overview") return;
  started = true;
  void loadOverviewPage();
  const input = overviewInputFromParams(new URLSearchParams(location.search));
  if (!input) return;
  void queryClient.prefetchQuery({ ...trpc.volume.overview.queryOptions(input), meta: { quietSessionLoss: true } });
  // The KPI tiles alone, which answer first (the page shows them until the whole overview is in).
  void queryClient.prefetchQuery({ ...trpc.volume.overviewKpis.queryOptions(input), meta: { quietSessionLoss: true } });
}
