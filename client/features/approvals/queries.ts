// The four-eyes pages' server calls (tRPC approvals.*), one hook each: the approvals page and the
// overview's emergency notice call these.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { useMutationOnce } from "../../components/submit-once.ts";

export function useChangeRequests() {
  const trpc = useTRPC();
  return useQuery(trpc.approvals.list.queryOptions());
}

/** Emergency changes no second person has reviewed yet, asked again every 15 s. */
export function useUnreviewedEmergencies() {
  const trpc = useTRPC();
  return useQuery(trpc.approvals.unreviewedEmergencies.queryOptions(undefined, { refetchInterval: 15_000 }));
}

/**
 * Approve, reject and review, each sent once per click. A decision may lift a suspension, change the
 * threshold or a role: after `onDone(action)`, every query is refreshed.
 */
export function useDecideChange(onDone: (action: "approve" | "reject" | "review") => unknown) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const done = (action: "approve" | "reject" | "review") => async () => {
    onDone(action);
    await queryClient.invalidateQueries();
  };
  return {
    approve: useMutationOnce(useMutation(trpc.approvals.approve.mutationOptions({ onSuccess: done("approve") }))),
    reject: useMutationOnce(useMutation(trpc.approvals.reject.mutationOptions({ onSuccess: done("reject") }))),
    review: useMutationOnce(useMutation(trpc.approvals.review.mutationOptions({ onSuccess: done("review") }))),
  };
}
