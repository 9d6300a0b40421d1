// The suspension pages' server calls (tRPC suspensions.*), one hook each; the pages, panels and dialogs
// call these.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs } from "../../trpc.ts";

type In = RouterInputs["suspensions"];

export function useSuspensionList() {
  const trpc = useTRPC();
  return useQuery(trpc.suspensions.list.queryOptions());
}

/** Banks a manager may suspend (with what is suspended now); asked only when `enabled`. */
export function useSuspensionBanks(enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.suspensions.banks.queryOptions(), enabled });
}

export function useBankSuspensions(bankCode: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.suspensions.forBank.queryOptions({ bankCode }), enabled });
}

/** A page of the quarantine queue; the previous page stays on screen while the next one comes. */
export function useQuarantineList(input: In["quarantineList"]) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.suspensions.quarantineList.queryOptions(input), placeholderData: keepPreviousData });
}

/** Refreshes every suspensions query and, with `approvals`, the four-eyes requests too. */
export function useRefreshSuspensions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async ({ approvals = false } = {}) => {
    await queryClient.invalidateQueries({ queryKey: trpc.suspensions.pathKey() });
    if (approvals) await queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
  };
}

/** Release or revoke quarantined links (one reason for all of them). */
export function useReviewLinks(kind: "release" | "revoke", onSuccess: (r: { count: number }) => unknown) {
  const trpc = useTRPC();
  const release = useMutation(trpc.suspensions.releaseLinks.mutationOptions({ onSuccess }));
  const revoke = useMutation(trpc.suspensions.revokeLinks.mutationOptions({ onSuccess }));
  return kind === "revoke" ? revoke : release;
}

/** Asks a second manager to lift a suspension (four eyes). */
export function useRequestLift(onSuccess: () => unknown) {
  const trpc = useTRPC();
  return useMutation(trpc.suspensions.lift.mutationOptions({ onSuccess }));
}

/** The emergency path: one manager applies the change now, reviewed later. */
export function useEmergencyChange(onSuccess: () => unknown) {
  const trpc = useTRPC();
  return useMutation(trpc.approvals.emergency.mutationOptions({ onSuccess }));
}

/** #17: suspensions ending or due for review within 24 h (of one bank when given); refreshed every minute. */
export function useSuspensionAttention(bankCode?: string, enabled = true) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.suspensions.attention.queryOptions(bankCode ? { bankCode } : undefined), enabled, refetchInterval: 60_000 });
}

/** #17: a manager moves or clears a suspension's end time and review date (with a reason). */
export function useSetSuspensionTimes(onDone: () => void) {
  const trpc = useTRPC();
  const refresh = useRefreshSuspensions();
  return useMutation(
    trpc.suspensions.setTimes.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    }),
  );
}

/** #17: the bank register (every bank's link authentication and suspension state). */
export function useBankRegister() {
  const trpc = useTRPC();
  return useQuery(trpc.suspensions.register.queryOptions());
}

export function useBankAuthHistory(bankCode: string | null) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.suspensions.authHistory.queryOptions({ bankCode: bankCode ?? "0000" }), enabled: bankCode !== null });
}

/** #17: a manager records a change of a bank's link authentication (reason, effective date). */
export function useSetBankAuth(onDone: () => void) {
  const trpc = useTRPC();
  const refresh = useRefreshSuspensions();
  return useMutation(
    trpc.suspensions.setBankAuth.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    }),
  );
}
