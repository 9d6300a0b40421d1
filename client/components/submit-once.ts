// One click, one request, one message. A submit button that only shows `loading` still lets a fast
// second click through before React re-renders, and the second request's refusal ("someone already
// suspended…") then shows beside the first one's success. This hook refuses a second submission
// synchronously (a ref, not state) from the first click until the answer has been handled, and
// exposes `busy` for the button's disabled state.
import { useCallback, useRef, useState } from "react";
import type { UseMutationResult } from "@tanstack/react-query";

export interface SubmitOnce<TVariables> {
  /** Sends the mutation unless one is already in flight; returns whether it was sent. */
  submit: (variables: TVariables) => boolean;
  /** True from the first click until the answer (including the mutation's own onSuccess work). */
  busy: boolean;
}

export function useSubmitOnce<TData, TError, TVariables, TContext>(
  mutation: UseMutationResult<TData, TError, TVariables, TContext>,
): SubmitOnce<TVariables> {
  const inFlight = useRef(false);
  const [sending, setSending] = useState(false);
  const { mutate } = mutation;
  const submit = useCallback(
    (variables: TVariables) => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setSending(true);
      mutate(variables, {
        onSettled: () => {
          inFlight.current = false;
          setSending(false);
        },
      });
      return true;
    },
    [mutate],
  );
  return { submit, busy: sending || mutation.isPending };
}

/**
 * The same guard shaped like the mutation's own `mutate` / `isPending` / `error`, for dialogs that
 * take those props: `const create = useMutationOnce(useMutation(...))`. While a submission is in
 * flight the previous error is hidden, so a retry never shows an old refusal beside a new answer.
 */
export function useMutationOnce<TData, TError, TVariables, TContext>(mutation: UseMutationResult<TData, TError, TVariables, TContext>) {
  const { submit, busy } = useSubmitOnce(mutation);
  return { mutate: submit, isPending: busy, error: busy ? null : mutation.error, reset: mutation.reset };
}
