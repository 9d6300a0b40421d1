// Reference data: the banks (real Zengin codes) and one demo staff user per role. Idempotent: it
// only adds what is missing, so every start may call it.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { REFERENCE_BANKS } from "../events/demo/banks.ts";
import { hashPassword } from "../auth/password.ts";
import { DEMO_STAFF } from "./demo-staff.ts";

export async function seedReferenceData(db: PrismaClient): Promise<{ banksAdded: number; staffAdded: number }> {
  const { count: banksAdded } = await db.bank.createMany({
    data: REFERENCE_BANKS.map((b) => ({ code: b.code, name: b.name, nameKana: b.nameJa ?? null, authMethod: b.authMethod })),
    skipDuplicates: true,
  });
  let staffAdded = 0;
  const existing = new Set((await db.staffUser.findMany({ select: { email: true } })).map((u) => u.email));
  for (const s of DEMO_STAFF) {
    if (existing.has(s.email)) continue;
    await db.staffUser.create({ data: { email: s.email, name: s.name, role: s.role, passwordHash: await hashPassword(s.password) } });
    staffAdded++;
  }
  return { banksAdded, staffAdded };
}
