// Reference data: the banks (real Zengin codes) and one demo staff user per role. Idempotent: it
// only adds what is missing, so every start may call it. Demo users are pre-enrolled in the second
// factor with the public demo secret.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { REFERENCE_BANKS } from "./banks.ts";
import { hashPassword } from "../auth/password.ts";
import { DEMO_STAFF, DEMO_TOTP_SECRET } from "./demo-staff.ts";
import { sealSecret } from "../auth/second-factor/secret-box.ts";

export async function seedReferenceData(db: PrismaClient): Promise<{ banksAdded: number; staffAdded: number }> {
  const { count: banksAdded } = await db.bank.createMany({
    data: REFERENCE_BANKS.map((b) => ({ code: b.code, name: b.name, nameKana: b.nameJa ?? null, nameJa: b.nameJa, authMethod: b.authMethod })),
    skipDuplicates: true,
  });
  // A bank stored without its Japanese name gets the reference one (a name set since is kept).
  await db.$executeRaw`UPDATE bank SET name_ja = r.name_ja
      FROM unnest(${REFERENCE_BANKS.map((b) => b.code)}::text[], ${REFERENCE_BANKS.map((b) => b.nameJa)}::text[]) AS r(code, name_ja)
     WHERE bank.code = r.code AND bank.name_ja IS NULL`;
  let staffAdded = 0;
  const existing = new Set((await db.staffUser.findMany({ select: { email: true } })).map((u) => u.email));
  for (const s of DEMO_STAFF) {
    if (existing.has(s.email)) continue;
    await db.staffUser.create({ data: { email: s.email, name: s.name, role: s.role, passwordHash: await hashPassword(s.password) } });
    staffAdded++;
  }
  // The demo users have the demo second factor (demo-staff.ts), also in a database made before it
  // existed; a demo user whose factor an ADMIN reset gets it back at the next start.
  const unenrolled = await db.staffUser.findMany({ where: { email: { in: DEMO_STAFF.map((s) => s.email) }, totpEnabledAt: null }, select: { id: true } });
  for (const u of unenrolled) {
    await db.staffUser.update({ where: { id: u.id }, data: { totpSecret: sealSecret(DEMO_TOTP_SECRET), totpEnabledAt: new Date(), totpPendingSecret: null } });
  }
  return { banksAdded, staffAdded };
}
