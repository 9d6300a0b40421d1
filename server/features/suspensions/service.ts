// Suspensions for staff, one file per action: queries.ts (lists and a bank's page), preview.ts (the
// suspend dialog's impact), suspend.ts (suspend and lift), quarantine-queue.ts (the analysts' queue).
// Here: who acts.
import { AppError } from "../../../shared/errors.ts";
import type { Actor } from "../audit/write-audit.ts";

/** A staff member acting; suspensions record who created and lifted them. */
export type StaffActor = Actor & { id: string };

export function requireStaffActor(actor: Actor): StaffActor {
  if (!actor.id) throw new AppError("UNAUTHENTICATED");
  return actor as StaffActor;
}
