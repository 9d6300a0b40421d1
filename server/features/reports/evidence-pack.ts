// The partner-bank evidence pack (#18): per bank one ZIP of CSV files (shared/reports/evidence.ts)
// with the itemised debits by fraudulent wallets on its customers' accounts, the wallets involved
// (masked), the measures taken with their dates, and each victim's compensation status. Every
// download is audited (who, which bank, the file's checksum).
import { createHash } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { sql } from "../../db/sql.ts";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import { writeAudit, type StaffActor } from "../audit/write-audit.ts";
import { num } from "../compensation/sql.ts";
import { writeZip } from "../../lib/zip.ts";
import { jstFileStamp } from "../../../shared/csv.ts";
import { evidenceFiles, type PackInput } from "../../../shared/reports/evidence.ts";
import { chargeMoneyJoin } from "../compensation/charge-money-sql.ts";
import { settlementError } from "../../../shared/settlement/errors.ts";

export async function evidencePackInput(db: PrismaClient, bankCode: string, madeAt: Date): Promise<PackInput> {
  const bank = await db.bank.findUnique({ where: { code: bankCode }, select: { name: true } });
  if (!bank) throw settlementError("SETTLEMENT_BANK_NOT_FOUND", `There is no bank with code ${bankCode}.`, { bankCode });
  const [debits, wallets, measures] = await Promise.all([
    db.$queryRaw<Array<{ id: string; occurred_at: Date; amount_yen: number; descriptor: string | null; branch_code: string; account_number: string; account_id: string; paid_yen: unknown; pending_yen: unknown; reimbursed_yen: unknown }>>(sql`
      SELECT c.id, c.occurred_at, c.amount_yen, c.descriptor, c.branch_code, c.account_number, c.account_id,
             m.paid_yen, m.pending_yen, m.reimbursed_yen
        FROM charge c JOIN wallet_account w ON w.id = c.account_id
        ${chargeMoneyJoin("c")}
       WHERE c.bank_code = ${bankCode} AND ${fraudulentWalletSql("w")}
       ORDER BY c.occurred_at, c.id`),
    db.$queryRaw<Array<{ id: string; status: string; review_label: string | null; risk_score: number; flagged_at: Date | null; charges: unknown; taken_yen: unknown }>>(sql`
      SELECT w.id, w.status::text AS status, w.review_label::text AS review_label, w.risk_score, w.flagged_at, COUNT(*) AS charges, SUM(c.amount_yen)::int8 AS taken_yen
        FROM charge c JOIN wallet_account w ON w.id = c.account_id
       WHERE c.bank_code = ${bankCode} AND ${fraudulentWalletSql("w")}
       GROUP BY w.id ORDER BY taken_yen DESC, w.id`),
    db.$queryRaw<Array<{ scopes: string[]; quarantine: boolean; starts_at: Date; ends_at: Date | null; lifted_at: Date | null }>>(sql`
      SELECT scopes::text[] AS scopes, quarantine, starts_at, ends_at, lifted_at FROM suspension WHERE bank_code = ${bankCode} ORDER BY starts_at`),
  ]);
  const victims = new Map<string, PackInput["victims"][number]>();
  const packDebits = debits.map((d) => {
    const row = { chargeId: d.id, occurredAt: d.occurred_at, amountYen: d.amount_yen, descriptor: d.descriptor, branchCode: d.branch_code, accountNumber: d.account_number, walletId: d.account_id, paidYen: num(d.paid_yen), pendingYen: num(d.pending_yen), reimbursedYen: num(d.reimbursed_yen) };
    const key = `${d.branch_code}-${d.account_number}`;
    const v = victims.get(key) ?? { branchCode: d.branch_code, accountNumber: d.account_number, chargeCount: 0, takenYen: 0, paidYen: 0, pendingYen: 0, reimbursedYen: 0 };
    v.chargeCount += 1;
    v.takenYen += row.amountYen;
    v.paidYen += row.paidYen;
    v.pendingYen += row.pendingYen;
    v.reimbursedYen += row.reimbursedYen;
    victims.set(key, v);
    return row;
  });
  return {
    bankCode,
    bankName: bank.name,
    madeAt,
    debits: packDebits,
    wallets: wallets.map((w) => ({ walletId: w.id, status: w.status, reviewLabel: w.review_label, riskScore: w.risk_score, flaggedAt: w.flagged_at, chargeCount: num(w.charges), takenYen: num(w.taken_yen) })),
    measures: measures.map((m) => ({ kind: "suspension", scopes: m.scopes, quarantine: m.quarantine, startsAt: m.starts_at, endsAt: m.ends_at, liftedAt: m.lifted_at })),
    victims: [...victims.values()].sort((a, b) => b.takenYen - a.takenYen || a.branchCode.localeCompare(b.branchCode) || a.accountNumber.localeCompare(b.accountNumber)),
  };
}

export async function evidencePack(db: PrismaClient, actor: StaffActor, bankCode: string) {
  const madeAt = new Date();
  const input = await evidencePackInput(db, bankCode, madeAt);
  const files = evidenceFiles(input);
  const zip = writeZip(files.map((f) => ({ name: f.name, data: Buffer.from(f.text, "utf8") })), madeAt);
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const fileName = `evidence-${bankCode}-${jstFileStamp(madeAt)}.zip`;
  await withTransaction(db, (tx) =>
    writeAudit(tx, actor, {
      action: "reports.evidencePack",
      targetType: "bank",
      targetId: bankCode,
      after: { fileName, sha256, debits: input.debits.length, wallets: input.wallets.length, measures: input.measures.length, victims: input.victims.length },
    }),
  );
  return { fileName, base64: zip.toString("base64"), sha256, files: files.map((f) => f.name) };
}
