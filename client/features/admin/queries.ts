// The administration page's server calls (tRPC admin.*), one hook each; the page's parts call these.
// Every change is sent once per click (useMutationOnce) and refreshes what the page shows.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterInputs, type RouterOutputs } from "../../trpc.ts";
import { useMutationOnce } from "../../components/submit-once.ts";

type Out = RouterOutputs["admin"];
type In = RouterInputs["admin"];

export function useStaffList() {
  const trpc = useTRPC();
  return useQuery(trpc.admin.staffList.queryOptions());
}

export function useApiKeys() {
  const trpc = useTRPC();
  return useQuery(trpc.admin.apiKeys.queryOptions());
}

export function useSettings() {
  const trpc = useTRPC();
  return useQuery(trpc.admin.settings.queryOptions());
}

/** Refreshes every admin query (after a change). */
export function useRefreshAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
}

export function useCreateStaff(onSuccess: (u: Out["createStaff"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.createStaff.mutationOptions({ onSuccess })));
}

export function useSetRole(onSuccess: (u: Out["setRole"], input: In["setRole"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.setRole.mutationOptions({ onSuccess })));
}

export function useDeactivateStaff(onSuccess: (u: Out["deactivateStaff"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.deactivateStaff.mutationOptions({ onSuccess })));
}

export function useReactivateStaff(onSuccess: (u: Out["reactivateStaff"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.reactivateStaff.mutationOptions({ onSuccess })));
}

export function useResetPassword(onSuccess: (r: Out["resetPassword"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.resetPassword.mutationOptions({ onSuccess })));
}

export function useResetSecondFactor(onSuccess: () => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.resetSecondFactor.mutationOptions({ onSuccess })));
}

export function useCreateApiKey(onSuccess: (k: Out["createApiKey"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.createApiKey.mutationOptions({ onSuccess })));
}

export function useRevokeApiKey(onSuccess: (k: Out["revokeApiKey"]) => unknown) {
  const trpc = useTRPC();
  return useMutationOnce(useMutation(trpc.admin.revokeApiKey.mutationOptions({ onSuccess })));
}

/** Changes a setting; after `onSuccess`, the admin queries are refreshed. */
export function useUpdateSetting(onSuccess: (r: Out["updateSetting"]) => unknown) {
  const trpc = useTRPC();
  const refresh = useRefreshAdmin();
  return useMutationOnce(
    useMutation(
      trpc.admin.updateSetting.mutationOptions({
        onSuccess: (r) => {
          onSuccess(r);
          return refresh();
        },
      }),
    ),
  );
}
