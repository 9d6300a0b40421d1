// The compensation pages' server calls (tRPC compensation.*), one hook each; the pages and parts call
// these. After any change every compensation query is refreshed (useInvalidateCompensation).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs, type RouterOutputs } from "../../trpc.ts";
import { useMutationOnce } from "../../components/submit-once.ts";

type In = RouterInputs["compensation"];
type Out = RouterOutputs["compensation"];
export type CaseRow = Out["list"]["cases"][number];
export type Victim = NonNullable<Out["victimForCharge"]>;

export function useInvalidateCompensation() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.compensation.pathKey() });
}

export function useCaseList(input: In["list"]) {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.list.queryOptions(input));
}

export function useCase(caseId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.get.queryOptions({ caseId }));
}

export function useApprovalQueue() {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.approvalQueue.queryOptions());
}

/** The money totals, for one bank or all (at most 15 s old). */
export function useCompensationReport(bankCode: string | undefined) {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.report.queryOptions(bankCode ? { bankCode } : undefined, { staleTime: 15_000 }));
}

export function useVictimsOfAccount(accountId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.victimsOfAccount.queryOptions({ accountId }));
}

export function useVictimForCharge(chargeId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.victimForCharge.queryOptions({ chargeId }));
}

/** The victim search by bank account; asks only once a search was submitted. */
export function useVictimSearch(search: In["victimSearch"] | null) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.compensation.victimSearch.queryOptions(search ?? { bankCode: "0000", accountNumber: "0000000" }), enabled: search !== null });
}

export function usePayableCases() {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.payableCases.queryOptions());
}

export function usePayoutBatches() {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.batches.queryOptions());
}

/** Fetches a stored payout file as it is (always fresh). */
export function useFetchPayoutFile() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (batchId: string) => queryClient.fetchQuery({ ...trpc.compensation.downloadBatch.queryOptions({ batchId }), staleTime: 0 });
}

/** Fetches a stored Zengin file (base64 of its Shift_JIS bytes), always fresh. */
export function useFetchZenginFile() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (batchId: string) => queryClient.fetchQuery({ ...trpc.compensation.downloadZengin.queryOptions({ batchId }), staleTime: 0 });
}

export function useMarkBatchSent(onSuccess: (res: Out["markBatchSent"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.compensation.markBatchSent.mutationOptions({ onSuccess })));
}

export function useImportBankResult(onSuccess: (res: Out["importBankResult"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.compensation.importBankResult.mutationOptions({ onSuccess })));
}

export function useReconciliation() {
  const trpc = useTRPC();
  return useQuery(trpc.compensation.reconciliation.queryOptions());
}

export function useCreatePayoutBatch(onSuccess: (res: Out["createPayoutBatch"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.compensation.createPayoutBatch.mutationOptions({ onSuccess })));
}

/** Creates a case; a refusal refreshes the figures too (what is left may have changed). */
export function useCreateCase(onSuccess: (res: Out["create"]) => unknown) {
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  return useMutation(trpc.compensation.create.mutationOptions({ onSuccess, onError: () => invalidate() }));
}

export type Decision = "approve" | "reject" | "cancel";

/** A manager's decisions on a case, each sent once per click: `onDecided` at the answer, `onRefreshed` once the figures are fresh. */
export function useDecisionMutations(onDecided: (d: Decision) => void, onRefreshed?: () => void) {
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  const opts = (d: Decision) => ({
    onSuccess: async () => {
      onDecided(d);
      await invalidate();
      onRefreshed?.();
    },
  });
  const approve = useMutationOnce(useMutation(trpc.compensation.approve.mutationOptions(opts("approve"))));
  const reject = useMutationOnce(useMutation(trpc.compensation.reject.mutationOptions(opts("reject"))));
  const cancel = useMutationOnce(useMutation(trpc.compensation.cancel.mutationOptions(opts("cancel"))));
  return { approve, reject, cancel };
}
