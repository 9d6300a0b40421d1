// Proposed actions' server calls (tRPC proposals.*), one hook each; the banner, the bank panel and
// the review dialog call these.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/trpc/app-router.ts";
import { useTRPC } from "../../trpc.ts";
import { REFRESH_MS } from "../volume/refresh.ts";

export type Proposal = inferRouterOutputs<AppRouter>["proposals"]["open"][number];

/** Every bank's proposals awaiting a decision (the banner), refreshed like the incident banner. */
export function useOpenProposals(enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.proposals.open.queryOptions(undefined, { refetchInterval: REFRESH_MS }), enabled });
}

export function useBankProposals(bankCode: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.proposals.forBank.queryOptions({ bankCode }, { refetchInterval: REFRESH_MS }), enabled });
}

/** After a decision: proposals, suspensions, the banner and the bank timeline show it at once. */
function useRefreshAfterDecision() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.proposals.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.volume.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

export function useConfirmProposal(onDone: () => void) {
  const trpc = useTRPC();
  const refresh = useRefreshAfterDecision();
  return useMutation(trpc.proposals.confirm.mutationOptions({ onSuccess: async () => { await refresh(); onDone(); } }));
}

export function useDismissProposal(onDone: () => void) {
  const trpc = useTRPC();
  const refresh = useRefreshAfterDecision();
  return useMutation(trpc.proposals.dismiss.mutationOptions({ onSuccess: async () => { await refresh(); onDone(); } }));
}
