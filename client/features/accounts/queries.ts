// The accounts pages' server calls (tRPC accounts.*), one hook each; the pages and parts call these.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs, type RouterOutputs } from "../../trpc.ts";

type In = RouterInputs["accounts"];

/** A page of the accounts table; the previous page stays on screen while the next one comes. */
export function useAccountList(input: In["list"]) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.accounts.list.queryOptions(input), placeholderData: keepPreviousData });
}

export function useAccountCount(filters: In["count"]) {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.count.queryOptions(filters));
}

export function useAccountBanks() {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.banks.queryOptions());
}

export function useAccount(accountId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.get.queryOptions({ accountId }));
}

/** The ring view (accounts.ring): connected wallets over devices, IPs and bank accounts. */
export function useRing(accountId: string, hops: number) {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.ring.queryOptions({ accountId, hops }));
}

export function useScoringRules() {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.rules.queryOptions());
}

export function useVictims(bank: string | undefined) {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.victims.queryOptions({ bank }));
}

export type AccountActionName = "freeze" | "unfreeze" | "markConfirmedFraud" | "markLegitimate";

/** One of the four account actions; after `onSuccess`, every accounts query is refreshed. */
export function useAccountActionMutation(action: AccountActionName, onSuccess: (res: RouterOutputs["accounts"][AccountActionName]) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.accounts[action].mutationOptions({
      onSuccess: (res) => {
        onSuccess(res);
        return queryClient.invalidateQueries({ queryKey: trpc.accounts.pathKey() });
      },
    }),
  );
}

/** The review queue's state (unreviewed, claimed, oldest wait, per analyst), refreshed every 30 s. */
export function useReviewStats(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.accounts.reviewStats.queryOptions(), enabled, refetchInterval: 30_000 });
}

/** Takes (or keeps) the next unreviewed flagged wallet; null when nobody's wallet is waiting. */
export function useReviewNext() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(trpc.accounts.reviewNext.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.accounts.pathKey() }) }));
}

/** Gives a held wallet back to the queue. */
export function useReviewRelease() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(trpc.accounts.reviewRelease.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.accounts.pathKey() }) }));
}

// ---------- rule versions (#16) ----------

/** The catalogue, every version, the bands and the latest rescoring (polled while a rescoring runs). */
export function useRuleVersions() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.accounts.ruleVersions.queryOptions(), refetchInterval: (q) => (q.state.data?.rescore?.running ? 2_000 : false) });
}

export function useRuleStats() {
  const trpc = useTRPC();
  return useQuery(trpc.accounts.ruleStats.queryOptions());
}

/** The latest backtest of a version, polled every second while it runs. */
export function useLatestBacktest(versionId: number | null) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.accounts.ruleLatestBacktest.queryOptions({ versionId: versionId ?? 1 }),
    enabled: versionId !== null,
    refetchInterval: (q) => (q.state.data?.running ? 1_000 : false),
  });
}

/** Refreshes every accounts query after a rule-version change. */
function useRefreshAccounts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.accounts.pathKey() });
}

export function useCreateRuleDraft() {
  const trpc = useTRPC();
  return useMutation(trpc.accounts.ruleDraft.mutationOptions({ onSuccess: useRefreshAccounts() }));
}

export function useUpdateRuleDraft() {
  const trpc = useTRPC();
  return useMutation(trpc.accounts.ruleUpdateDraft.mutationOptions({ onSuccess: useRefreshAccounts() }));
}

export function useStartBacktest() {
  const trpc = useTRPC();
  return useMutation(trpc.accounts.ruleBacktest.mutationOptions({ onSuccess: useRefreshAccounts() }));
}

export function useActivateRuleVersion() {
  const trpc = useTRPC();
  return useMutation(trpc.accounts.ruleActivate.mutationOptions({ onSuccess: useRefreshAccounts() }));
}

export function useRollbackRuleVersion() {
  const trpc = useTRPC();
  return useMutation(trpc.accounts.ruleRollback.mutationOptions({ onSuccess: useRefreshAccounts() }));
}

export function useSetScoreBands() {
  const trpc = useTRPC();
  return useMutation(trpc.accounts.ruleSetBands.mutationOptions({ onSuccess: useRefreshAccounts() }));
}
