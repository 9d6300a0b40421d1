// The reports pages' server calls (tRPC reports.*), one hook each.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";

export function useRegulatorReport(asOf: Date | undefined) {
  const trpc = useTRPC();
  return useQuery(trpc.reports.regulator.queryOptions(asOf ? { asOf } : undefined));
}

export function useFetchRegulatorCsv() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (asOf: Date | undefined) => queryClient.fetchQuery({ ...trpc.reports.regulatorCsv.queryOptions(asOf ? { asOf } : undefined), staleTime: 0 });
}

/** Each download is audited on the server, so it is fetched afresh every time. */
export function useFetchEvidencePack() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (bankCode: string) => queryClient.fetchQuery({ ...trpc.reports.evidencePack.queryOptions({ bankCode }), staleTime: 0, gcTime: 0 });
}
