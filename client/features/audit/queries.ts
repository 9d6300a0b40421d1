// The audit log's server calls (tRPC audit.*), one hook each; the audit pages and panels call these.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs } from "../../trpc.ts";
import type { AuditFilters } from "../../../shared/audit/schemas.ts";

export function useAuditList(input: RouterInputs["audit"]["list"]) {
  const trpc = useTRPC();
  return useQuery(trpc.audit.list.queryOptions(input));
}

/** One record by id (a shared link may point outside the page shown); only asked when `enabled`. */
export function useAuditRecord(id: number, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.audit.list.queryOptions({ cursor: id + 1, limit: 1 }), enabled });
}

/** The hash chain's state, checked at most every 30 s. */
export function useAuditVerify() {
  const trpc = useTRPC();
  return useQuery(trpc.audit.verify.queryOptions(undefined, { staleTime: 30_000 }));
}

export function useBankTimeline(bankCode: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.audit.bankTimeline.queryOptions({ bankCode }), enabled });
}

/** Fetches the CSV of what the filters select (always fresh). */
export function useAuditExport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (filters: AuditFilters) => queryClient.fetchQuery(trpc.audit.exportCsv.queryOptions(filters, { staleTime: 0 }));
}
