// The settlement page's server calls (tRPC settlement.*, #18): a bank's statement and agreements, and
// the three recordings (a reimbursement by the bank or another party, a cost-sharing agreement, a
// bank's payment of its share). After any of them every settlement and compensation query refreshes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterOutputs } from "../../trpc.ts";
import { useMutationOnce } from "../../components/submit-once.ts";

export type BankStatement = RouterOutputs["settlement"]["statement"];

export function useInvalidateSettlement() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.settlement.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.compensation.pathKey() })]);
}

/** The bank's statement; asks only for a well-formed code the reader may read. */
export function useBankStatement(bankCode: string | null, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.settlement.statement.queryOptions({ bankCode: bankCode ?? "0000" }), enabled: enabled && bankCode !== null });
}

export function useRecordReimbursement(onSuccess: () => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.settlement.recordReimbursement.mutationOptions({ onSuccess })));
}

export function useSetCostShare(onSuccess: () => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.settlement.setCostShare.mutationOptions({ onSuccess })));
}

export function useRecordBankPayment(onSuccess: () => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.settlement.recordBankPayment.mutationOptions({ onSuccess })));
}

export function usePayBank(onSuccess: (r: { repeated: boolean }) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.settlement.payBank.mutationOptions({ onSuccess })));
}
