// Sign-in's server calls (tRPC auth.*), one hook each: the sign-in page, the second-factor code
// stage, enrolment and the step-up modal call these (useMe.ts: who is signed in, and what they may
// call). Signing in or out changes what every query answers, so both refresh them all.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterOutputs } from "../../trpc.ts";

type Out = RouterOutputs["auth"];

/** The password step; after it, every query is refreshed, then `onSignedIn` says where to go. */
export function useSignIn(onSignedIn: (result: Out["signIn"]) => unknown) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries();
        onSignedIn(result);
      },
    }),
  );
}

/**
 * The second-factor code: at sign-in (with `onVerified`, called with the result before every query
 * is refreshed, and `then` after) or for a step-up (no callbacks: the modal reads the result).
 */
export function useVerifySecondFactor(callbacks?: { onVerified: (result: Out["verifySecondFactor"]) => unknown; then: (result: Out["verifySecondFactor"]) => unknown }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.verifySecondFactor.mutationOptions(
      callbacks
        ? {
            onSuccess: async (result) => {
              callbacks.onVerified(result);
              await queryClient.invalidateQueries();
              callbacks.then(result);
            },
          }
        : {},
    ),
  );
}

export function useSignOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
}

export function useStartEnrolment() {
  const trpc = useTRPC();
  return useMutation(trpc.auth.startEnrolment.mutationOptions());
}

export function useConfirmEnrolment() {
  const trpc = useTRPC();
  return useMutation(trpc.auth.confirmEnrolment.mutationOptions());
}
