// Step-up (issue #12): a protected action the server refuses with STEP_UP_REQUIRED (the second
// factor was given more than five minutes ago) opens the step-up modal; once the code is accepted
// the same call is sent again, once. A tRPC link, so every mutation gets it without its own code.
import type { TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { AppRouter } from "../../server/trpc/app-router.ts";
import { errorCodeOf } from "./errors.ts";

type Asker = () => Promise<boolean>;
let asker: Asker | null = null;
let pending: Promise<boolean> | null = null;

/** The modal registers here; it resolves true once the code was accepted, false when cancelled. */
export function registerStepUpAsker(fn: Asker): () => void {
  asker = fn;
  return () => {
    if (asker === fn) asker = null;
  };
}

/** Several refused calls at once share one modal. */
function askForStepUp(): Promise<boolean> {
  if (!asker) return Promise.resolve(false);
  pending ??= asker().finally(() => {
    pending = null;
  });
  return pending;
}

function isStepUpRequired(err: unknown): boolean {
  return errorCodeOf(err) === "STEP_UP_REQUIRED";
}

export const stepUpLink: TRPCLink<AppRouter> = () => ({ next, op }) =>
  observable((observer) => {
    let retried = false;
    let sub = next(op).subscribe({
      next: (v) => observer.next(v),
      complete: () => observer.complete(),
      error: (err) => {
        if (op.type !== "mutation" || retried || !isStepUpRequired(err)) return observer.error(err);
        retried = true;
        void askForStepUp().then((ok) => {
          if (!ok) return observer.error(err);
          sub = next(op).subscribe(observer); // once: a second refusal goes to the caller
        });
      },
    });
    return () => sub.unsubscribe();
  });
