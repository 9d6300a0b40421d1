// The volume pages' server calls (tRPC volume.*), one hook each: the bank page, its alarms and the
// parameters page call these. (The overview and the incident banner read volume.overview and
// volume.openSpikes with their own preload and refresh rules: overview/preload.ts, IncidentBanner.tsx.)
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs, type RouterOutputs } from "../../trpc.ts";
import { isBankCode } from "../../../shared/bank-code.ts";
import { REFRESH_MS } from "./parts.tsx";

type In = RouterInputs["volume"];
export type BankVolumeView = RouterOutputs["volume"]["bank"];

/**
 * One bank's page, refreshed every REFRESH_MS; the previous range stays on screen while another
 * loads. Asked only for a well-formed bank code and when `enabled` (a custom range with both ends).
 */
export function useBankVolume(input: In["bank"], enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.volume.bank.queryOptions(input, { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData }),
    enabled: isBankCode(input.bankCode) && enabled,
  });
}

export function useVolumeParams() {
  const trpc = useTRPC();
  return useQuery(trpc.volume.params.queryOptions());
}

/** Acknowledges an alarm; after `onSuccess`'s notice, every volume query (bank page, banner) is refreshed. */
export function useAcknowledgeAlarm(onSuccess: () => unknown, onRefreshed: () => unknown) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.volume.acknowledgeAlarm.mutationOptions({
      onSuccess: async () => {
        onSuccess();
        await queryClient.invalidateQueries({ queryKey: trpc.volume.pathKey() });
        onRefreshed();
      },
    }),
  );
}
