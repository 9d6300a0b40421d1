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
