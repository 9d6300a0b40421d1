// A person's console language: read with auth.me, written by auth.setLanguage (their own record only).
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { toLanguage, type Language } from "../../../shared/language.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";

export async function staffLanguage(db: PrismaClient, staffId: string): Promise<Language | null> {
  const row = await db.staffUser.findUnique({ where: { id: staffId }, select: { language: true } });
  return toLanguage(row?.language);
}

/** Stores the caller's own choice; audited like every staff mutation (a display preference needs no reason). */
export async function setStaffLanguage(db: PrismaClient, actor: StaffActor, language: Language): Promise<{ language: Language }> {
  return withTransaction(db, async (tx) => {
    const before = await tx.staffUser.findUniqueOrThrow({ where: { id: actor.id }, select: { language: true } });
    if (before.language === language) return { language };
    await tx.staffUser.update({ where: { id: actor.id }, data: { language } });
    await writeAudit(tx, actor, { action: "staff.setLanguage", targetType: "staff", targetId: actor.id, before: { language: before.language }, after: { language } });
    return { language };
  });
}
