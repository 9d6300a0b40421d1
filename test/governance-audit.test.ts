// Goal: the audit log is append-only and tamper-evident, and people can search it. Method: a real
// server on its own database; audited actions through tRPC and writeAudit, tampering through a
// superuser connection with triggers switched off (as an attacker with database access would).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startTestApp, type TestApp } from "./helpers/app.ts";
import { errorCodeOf, signedInAs } from "./helpers/staff.ts";
import { withTransaction } from "../server/db/transaction.ts";
import { writeAudit, type AuditEntry } from "../server/features/audit/write-audit.ts";
import { verifyAuditChain } from "../server/features/audit/verify-chain.ts";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const system = { id: null, email: "test-harness", role: null } as const;

async function audit(action: AuditEntry["action"], extra: { targetType?: AuditEntry["targetType"]; targetId?: string; reason?: string; before?: unknown; after?: unknown } = {}) {
  await withTransaction(t.db.prisma, (tx) =>
    writeAudit(tx, system, { action, targetType: extra.targetType ?? "setting", targetId: extra.targetId ?? "x", reason: extra.reason ?? "test record", before: extra.before, after: extra.after }),
  );
}

/** Runs SQL as the superuser with every trigger off, the way someone tampering would. */
async function asTamperer(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: (t.db.pool as unknown as { options: { connectionString: string } }).options.connectionString });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describe("hash chain", () => {
  it("chains every record to the one before it, and verification walks the whole chain", async () => {
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 90_000, reason: "chain test one" });
    await audit("test.one");
    const rows = await t.db.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0].prevHash).toBe("0".repeat(64));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].id).toBe(rows[i - 1].id + 1n); // ids are handed out in chain order, without gaps
      expect(rows[i].prevHash).toBe(rows[i - 1].hash);
      expect(rows[i].hash).toMatch(/^[0-9a-f]{64}$/);
    }
    const v = await admin.trpc.audit.verify.query();
    expect(v.status).toBe("VERIFIED");
    expect(v.verifiedCount).toBe(rows.length);
    expect(v.lastVerifiedId).toBe(Number(rows[rows.length - 1].id));
  });

  it("never forks under concurrent writers, whatever their isolation level", async () => {
    const levels = ["ReadCommitted", "RepeatableRead", "Serializable"] as const;
    await Promise.all(
      Array.from({ length: 36 }, (_, i) =>
        withTransaction(
          t.db.prisma,
          async (tx) => {
            // Take the snapshot first (as a real service does when it reads before it writes).
            await tx.bank.count();
            await writeAudit(tx, system, { action: "test.concurrent", targetType: "setting", targetId: String(i), reason: "concurrency" });
          },
          { isolationLevel: levels[i % 3], retries: 20 },
        ),
      ),
    );
    expect(await t.db.prisma.auditEvent.count({ where: { action: "test.concurrent" } })).toBe(36);
    const v = await verifyAuditChain(t.db.pool);
    expect(v).toMatchObject({ status: "VERIFIED", brokenAtId: null });
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n, max(id)::int AS max FROM audit_event`);
    expect(rows[0].max).toBe(rows[0].n); // gapless: 1..n
  });

  it("the database refuses UPDATE, DELETE and TRUNCATE of audit records, even for the superuser", async () => {
    const before = await t.db.prisma.auditEvent.count();
    await expect(t.db.pool.query(`UPDATE audit_event SET reason = 'rewritten' WHERE id = 1`)).rejects.toThrow(/append-only/);
    await expect(t.db.pool.query(`DELETE FROM audit_event WHERE id = 1`)).rejects.toThrow(/append-only/);
    await expect(t.db.pool.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.auditEvent.deleteMany({})).rejects.toThrow();
    await expect(t.db.pool.query(`DELETE FROM audit_chain_head`)).rejects.toThrow(/append-only/);
    expect(await t.db.prisma.auditEvent.count()).toBe(before);
    // A writer cannot choose its own id or hashes either: the trigger sets them.
    await t.db.pool.query(`INSERT INTO audit_event (id, actor_email, action, target_type, target_id, prev_hash, hash) VALUES (999999, 'x', 'test.forged', 'setting', 'x', repeat('a', 64), repeat('b', 64))`);
    const forged = await t.db.prisma.auditEvent.findFirst({ where: { action: "test.forged" } });
    expect(Number(forged!.id)).toBe(before + 1);
    expect(forged!.hash).not.toBe("b".repeat(64));
    expect((await verifyAuditChain(t.db.pool)).status).toBe("VERIFIED");
  });

  it("reports exactly the record whose content was changed behind the triggers' back, and verifies again once it is restored", async () => {
    await audit("test.target", { reason: "the original reason" });
    await audit("test.after");
    const target = await t.db.prisma.auditEvent.findFirst({ where: { action: "test.target" } });
    const id = Number(target!.id);
    await asTamperer(`UPDATE audit_event SET reason = 'a quietly rewritten reason' WHERE id = $1`, [id]);
    const admin = await signedInAs(t.baseUrl, "ANALYST");
    const v = await admin.trpc.audit.verify.query();
    expect(v.status).toBe("BROKEN");
    expect(v.brokenAtId).toBe(id);
    expect(v.lastVerifiedId).toBe(id - 1);
    expect(v.problem).toMatch(/content changed/);
    // The same answer when the walk crosses chunk boundaries.
    for (const chunkRows of [1, 2, 3, 7]) expect(await verifyAuditChain(t.db.pool, { chunkRows })).toMatchObject({ brokenAtId: id, lastVerifiedId: id - 1 });

    // Recomputing that record's hash too only moves the break to the next record.
    await asTamperer(`UPDATE audit_event SET hash = audit_event_hash(prev_hash, audit_event) WHERE id = $1`, [id]);
    const v2 = await verifyAuditChain(t.db.pool);
    expect(v2.brokenAtId).toBe(id + 1);
    expect(v2.problem).toMatch(/does not follow/);

    await asTamperer(`UPDATE audit_event SET reason = 'the original reason', hash = $2 WHERE id = $1`, [id, target!.hash]);
    expect((await verifyAuditChain(t.db.pool)).status).toBe("VERIFIED");
  });

  it("reports a record removed from the middle, and records removed from the end", async () => {
    await audit("test.middle");
    await audit("test.next");
    const middle = await t.db.prisma.auditEvent.findFirst({ where: { action: "test.middle" } });
    const saved = (await t.db.pool.query(`SELECT * FROM audit_event WHERE id = $1`, [middle!.id])).rows[0];
    await asTamperer(`DELETE FROM audit_event WHERE id = $1`, [middle!.id]);
    const v = await verifyAuditChain(t.db.pool);
    expect(v).toMatchObject({ status: "BROKEN", brokenAtId: Number(middle!.id) + 1 });

    // Put it back, then cut the last record off the end.
    const cols = Object.keys(saved);
    await asTamperer(`INSERT INTO audit_event (${cols.join(",")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(",")})`, cols.map((c) => saved[c]));
    expect((await verifyAuditChain(t.db.pool)).status).toBe("VERIFIED");
    const last = await t.db.prisma.auditEvent.findFirst({ orderBy: { id: "desc" } });
    const lastRow = (await t.db.pool.query(`SELECT * FROM audit_event WHERE id = $1`, [last!.id])).rows[0];
    await asTamperer(`DELETE FROM audit_event WHERE id = $1`, [last!.id]);
    const v2 = await verifyAuditChain(t.db.pool);
    expect(v2).toMatchObject({ status: "BROKEN", brokenAtId: Number(last!.id) });
    expect(v2.problem).toMatch(/removed from the end/);
    await asTamperer(`INSERT INTO audit_event (${cols.join(",")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(",")})`, cols.map((c) => lastRow[c]));
    expect((await verifyAuditChain(t.db.pool)).status).toBe("VERIFIED");
  });
});

describe("audit page queries", () => {
  it("filters on the server and pages by keyset without repeats or gaps", async () => {
    for (let i = 0; i < 7; i++) await audit("test.page", { targetType: "bank", targetId: "0125", reason: `page record ${i}` });
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    const seen: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await analyst.trpc.audit.list.query({ action: "test.page", limit: 3, cursor });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(7);

    const byReason = await analyst.trpc.audit.list.query({ q: "PAGE RECORD 3" });
    expect(byReason.rows.map((r) => r.reason)).toEqual(["page record 3"]);
    const byPrefix = await analyst.trpc.audit.list.query({ action: "test.", targetType: "bank", targetId: "0125", limit: 200 });
    expect(byPrefix.rows.length).toBe(7);
    const byActor = await analyst.trpc.audit.list.query({ actor: "HARNESS", action: "test.page" });
    expect(byActor.rows.length).toBe(7);
    const future = await analyst.trpc.audit.list.query({ from: new Date(Date.now() + 3_600_000) });
    expect(future.rows).toHaveLength(0);
    const past = await analyst.trpc.audit.list.query({ to: new Date(Date.now() - 3_600_000) });
    expect(past.rows).toHaveLength(0);
    expect(await errorCodeOf(analyst.trpc.audit.list.query({ limit: 1000 }))).toBe("VALIDATION_FAILED");
  });

  it("masks account numbers for every role, shows staff addresses to ADMIN only", async () => {
    await audit("test.personal", {
      targetType: "case",
      targetId: "c-1",
      reason: "victim account 1234567 confirmed by phone",
      before: null,
      after: { accountNumber: "7654321", holderName: "ヤマダ タロウ", nested: { account_number: "1112223" } },
    });
    const admin = await signedInAs(t.baseUrl, "ADMIN");
    const analyst = await signedInAs(t.baseUrl, "ANALYST");
    await admin.trpc.admin.updateSetting.mutate({ key: "compensation.approvalThresholdYen", value: 80_000, reason: "address check" });
    for (const agent of [admin, analyst]) {
      const [row] = (await agent.trpc.audit.list.query({ action: "test.personal" })).rows;
      expect(row.after).toEqual({ accountNumber: "****321", holderName: "ヤマダ タロウ", nested: { account_number: "****223" } });
      expect(row.reason).toBe("victim account ****567 confirmed by phone");
    }
    const [adminView] = (await admin.trpc.audit.list.query({ action: "setting.update", limit: 1 })).rows;
    const [analystView] = (await analyst.trpc.audit.list.query({ action: "setting.update", limit: 1 })).rows;
    expect(adminView.ipAddress).toBe("127.0.0.1");
    expect(analystView.ipAddress).toBeNull();
  });

  it("exports the filtered records as CSV with formulas neutralised and account numbers masked", async () => {
    await audit("test.csv", { reason: '=HYPERLINK("http://evil.example","click"), acct 7654321' });
    const support = await signedInAs(t.baseUrl, "SUPPORT");
    const file = await support.trpc.audit.exportCsv.query({ action: "test.csv" });
    expect(file.rowCount).toBe(1);
    expect(file.fileName).toMatch(/^audit-\d{8}-\d{4}JST\.csv$/);
    expect(Buffer.from(file.csv, "utf8").subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, line] = file.csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(line).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00,/);
    expect(header).toBe("id,at,actor_email,actor_role,action,target_type,target_id,reason,before,after,request_id,hash");
    expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), acct ****321"`);
    expect(line).not.toContain("7654321");
  });
});

describe("bank incident timeline", () => {
  it("merges spikes, suspension actions, quarantine reviews and compensation for one bank, and nothing of other banks", async () => {
    const bankCode = "0125";
    const startedAt = new Date("2026-09-05T01:00:00Z");
    await t.db.prisma.spike.create({
      data: { bankCode, metric: "LINK_REGISTERED", detector: "BURST", startedAt, peakAt: new Date("2026-09-05T01:30:00Z"), peakValue: 140, peakExpected: 6, severity: 12.3, lastSeenAt: startedAt, endedAt: new Date("2026-09-05T05:00:00Z") },
    });
    await t.db.prisma.spike.create({
      data: { bankCode: "9900", metric: "CHARGE_COUNT", detector: "CUSUM", startedAt, peakAt: startedAt, peakValue: 10, peakExpected: 5, severity: 4, lastSeenAt: startedAt },
    });
    await t.db.prisma.walletAccount.create({
      data: { id: "acc-tl-1", holderName: "ヤマダ タロウ", holderNameNormalized: "ヤマダタロウ", carrierCustomer: false, identityVerified: false, openedAt: startedAt },
    });
    await t.db.prisma.bankLink.create({
      data: { id: "link-tl-1", accountId: "acc-tl-1", bankCode, branchCode: "001", accountNumber: "1234567", holderName: "ヤマダ タロウ", holderNameNormalized: "ヤマダタロウ", authMethod: "PIN", registeredAt: startedAt },
    });
    await audit("suspension.create", { targetType: "bank", targetId: bankCode, reason: "burst of PIN-only links" });
    await audit("suspension.create", { targetType: "bank", targetId: "9900", reason: "another bank" });
    await audit("link.revoke", { targetType: "link", targetId: "link-tl-1", reason: "confirmed fraud" });

    const manager = await signedInAs(t.baseUrl, "MANAGER");
    const tl = await manager.trpc.audit.bankTimeline.query({ bankCode });
    expect(tl.bankName).toMatch(/77/);
    const kinds = tl.entries.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["SPIKE_STARTED", "SPIKE_ENDED", "SUSPENSION", "QUARANTINE"]));
    expect(tl.entries.some((e) => e.detail === "another bank")).toBe(false);
    expect(tl.entries.filter((e) => e.kind.startsWith("SPIKE"))).toHaveLength(2);
    const times = tl.entries.map((e) => new Date(e.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times); // newest first
    expect(await errorCodeOf(manager.trpc.audit.bankTimeline.query({ bankCode: "1234" }))).toBe("NOT_FOUND");
    expect(await errorCodeOf(manager.trpc.audit.bankTimeline.query({ bankCode: "12a4" }))).toBe("VALIDATION_FAILED");
  });
});
