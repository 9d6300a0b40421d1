import { QueryCache, QueryClient, MutationCache } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { transformer } from "../shared/transformer.ts";
import type { AppRouter } from "../server/trpc/app-router.ts";
import { notifySessionLost } from "./lib/session-events.ts";
import { stepUpLink } from "./lib/step-up.ts";
import { errorCodeOf } from "./lib/errors.ts";
import { fetchWithEarlyAnswer } from "./features/volume/overview/early.ts";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** What each procedure answers and takes, for the feature query modules (client/features/<f>/queries.ts). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

function isSessionLoss(error: unknown): boolean {
  const code = errorCodeOf(error);
  // A session still owing its second factor (or its enrolment) goes back through sign-in too.
  return code === "SESSION_EXPIRED" || code === "UNAUTHENTICATED" || code === "SECOND_FACTOR_REQUIRED" || code === "ENROLMENT_REQUIRED";
}

export function makeQueryClient() {
  return new QueryClient({
    // A query started before the session check (overview/preload.ts) fails quietly when signed out.
    queryCache: new QueryCache({ onError: (e, query) => isSessionLoss(e) && !query.meta?.quietSessionLoss && notifySessionLost() }),
    mutationCache: new MutationCache({ onError: (e) => isSessionLoss(e) && notifySessionLost() }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        retry: (count, err) => {
          if (err instanceof TRPCClientError) {
            const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
            if (status >= 400 && status < 500) return false;
          }
          return count < 2;
        },
      },
    },
  });
}

/**
 * Queries sent on their own rather than in a batch: a batch answers when its slowest call does, so
 * the overview's figures (the heaviest read) held back the session check and the banner beside them,
 * and with them the page's frame, which then rendered only after the figures arrived. The KPI tiles'
 * answer and the session check go alone too: opened at /overview, their answers may have been asked
 * for before this code ran (overview/early.ts), which a batched request could not take.
 */
const UNBATCHED: ReadonlySet<string> = new Set(["volume.overview", "volume.overviewKpis", "auth.me"]);

export function makeTrpcClient() {
  // Our CSRF header: a cross-site form cannot set it (see server/http/csrf.ts).
  const headers = () => ({ "x-floodgate-csrf": "1" });
  return createTRPCClient<AppRouter>({
    links: [
      stepUpLink,
      splitLink({
        condition: (op) => UNBATCHED.has(op.path),
        // The overview's first answers may have been asked for before this code ran (overview/early.ts).
        true: httpLink({ url: "/trpc", transformer, headers, fetch: fetchWithEarlyAnswer }),
        false: httpBatchLink({ url: "/trpc", transformer, maxItems: 8, headers }),
      }),
    ],
  });
}
