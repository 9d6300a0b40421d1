// The webhooks page's server calls (tRPC webhooks.*), one hook each; the endpoint list, the delivery
// log and the dialogs call these. The lists refresh every LOG_REFRESH_MS; every change is sent once
// per click (useMutationOnce) and refreshes every webhooks query.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs, type RouterOutputs } from "../../trpc.ts";
import { useMutationOnce } from "../../components/submit-once.ts";

const LOG_REFRESH_MS = 5_000;

type In = RouterInputs["webhooks"];
type Out = RouterOutputs["webhooks"];

export function useEndpoints() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.webhooks.endpoints.queryOptions(), refetchInterval: LOG_REFRESH_MS });
}

export function useDeliveries(input: In["deliveries"]) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.webhooks.deliveries.queryOptions(input), refetchInterval: LOG_REFRESH_MS });
}

export function useAttempts(deliveryId: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.webhooks.attempts.queryOptions({ deliveryId }), refetchInterval: LOG_REFRESH_MS });
}

/** Refreshes every webhooks query (after a change). */
export function useRefreshWebhooks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
}

export function useCreateEndpoint(onSuccess: (r: Out["createEndpoint"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.webhooks.createEndpoint.mutationOptions({ onSuccess })));
}

/** Enables or disables an endpoint; after `onSuccess`, the webhooks queries are refreshed. */
export function useSetEndpointEnabled(onSuccess: (e: Out["setEndpointEnabled"]) => unknown) {
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  return useMutationOnce(
    useMutation(
      trpc.webhooks.setEndpointEnabled.mutationOptions({
        onSuccess: (e) => {
          onSuccess(e);
          return refresh();
        },
      }),
    ),
  );
}

/** Replays a delivery; after `onSuccess`, the webhooks queries are refreshed. */
export function useReplayDelivery(onSuccess: () => unknown) {
  const trpc = useTRPC();
  const refresh = useRefreshWebhooks();
  return useMutationOnce(
    useMutation(
      trpc.webhooks.replay.mutationOptions({
        onSuccess: () => {
          onSuccess();
          return refresh();
        },
      }),
    ),
  );
}
