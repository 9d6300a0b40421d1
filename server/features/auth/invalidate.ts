// Ending every session of a staff member at once: on deactivation, role change and password
// change, a session opened under the old facts must not outlive them. Runs in the caller's
// transaction, so the change and the sign-out commit together.
import type { Tx } from "../../db/transaction.ts";

export async function endAllSessions(tx: Tx, userId: string): Promise<number> {
  const { count } = await tx.staffSession.deleteMany({ where: { userId } });
  return count;
}
