// A bank's name in the reader's language on pages whose answers carry only its code and English
// name (compensation, accounts, suspensions, approvals): the Japanese name comes from the reference
// list of banks (accounts.banks, asked once and kept), the English one given stays the fallback.
import { useCallback } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";
import { useBankNames } from "./format.tsx";

/** `(code, name) => the bank's name in the reader's language` (the given name while the list is on its way or lacks the bank). */
export function useBankName(): (code: string | null | undefined, name?: string | null) => string {
  const trpc = useTRPC();
  const banks = useQuery(trpc.accounts.banks.queryOptions(undefined, { staleTime: Infinity }));
  const names = useBankNames(banks.data);
  return useCallback((code, name) => (code ? names.get(code) : undefined) ?? name ?? "", [names]);
}
