// Goal: the stored risk scores are the pure rule table applied to the database's facts, whichever
// way they were computed: rescoring the touched accounts (and those sharing a device, IP or bank
// account with them) after every batch ends in exactly the scores a bulk rescoring gives, and both
// equal the in-memory replay the evaluation uses. Method: demo-generator events written batch by
// batch into a real PostgreSQL, scored incrementally, then rescored in bulk and replayed in memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import type { Database } from "../server/db/client.ts";
import { EventLoader } from "./accounts-fixtures.ts";
import { collectDemo } from "../server/features/events/demo/index.ts";
import { REFERENCE_BANKS } from "../server/features/reference/banks.ts";
import { rescoreAccounts } from "../server/features/accounts/scoring.ts";
import { rescoreAll } from "../server/features/accounts/scoring-bulk.ts";
import { rescoreTouched } from "../server/features/accounts/scoring-related.ts";
import { FactsReplay } from "../server/features/accounts/replay.ts";
import { replayScores } from "../server/features/accounts/replay-ring.ts";
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES } from "../shared/accounts/index.ts";

const NOW = new Date("2020-09-08T03:00:00Z");
const demo = collectDemo({ seed: "acct-score", scale: 0.03, now: NOW, banks: REFERENCE_BANKS });
const attackStart = new Date(demo.labels.incident.attacks[0].startedAt);
// A link spike at the 77 Bank from 1 h after the attack began, still open: links from then on count.
const SPIKE = { bankCode: "0125", startedAt: new Date(attackStart.getTime() + 3_600_000), endedAt: null };

let t: { db: Database; drop(): Promise<void> };

async function snapshot() {
  const { rows } = await t.db.pool.query<{ id: string; risk_score: number; risk_reasons: unknown; flagged_at: Date | null }>(
    "SELECT id, risk_score, risk_reasons, flagged_at FROM wallet_account ORDER BY id",
  );
  return rows;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.pool.query(
    `INSERT INTO spike (bank_code, metric, detector, started_at, peak_at, peak_value, peak_expected, severity, last_seen_at, ended_at)
     VALUES ($1, 'LINK_REGISTERED', 'BURST', $2, $2, 12, 1, 9, $2, NULL)`,
    [SPIKE.bankCode, SPIKE.startedAt],
  );
  const loader = new EventLoader(t.db.pool);
  const linkOwner = new Map<string, string>();
  await loader.loadAll(demo.events, {
    batchSize: 500,
    afterBatch: async (touched, batch) => {
      // what the after-commit hook does, scored as of the batch's last event: expanding only the
      // groups the batch's openings and link registrations/changes can have grown
      const at = new Date(batch[batch.length - 1].occurredAt);
      const openedAccountIds = batch.flatMap((e) => (e.type === "account.opened" ? [e.account.id] : []));
      for (const e of batch) if (e.type === "link.registered") linkOwner.set(e.link.id, e.link.accountId);
      const linkedAccountIds = batch.flatMap((e) => (e.type === "link.registered" || e.type === "link.changed" ? [linkOwner.get(e.link.id)!] : []));
      await rescoreTouched(t.db, touched, { now: NOW, scoredAt: at }, { openedAccountIds, linkedAccountIds });
    },
  });
}, 240_000);

afterAll(async () => {
  await t?.drop();
});

describe("scoring service", () => {
  it("incremental rescoring after every batch ends in the same scores and reasons as a bulk rescoring", async () => {
    const incremental = await snapshot();
    expect(incremental.length).toBe(demo.stats.honestWallets + demo.stats.fraudWallets);
    const result = await rescoreAll(t.db, { now: NOW, chunkSize: 700 });
    expect(result.scored).toBe(incremental.length);
    const bulk = await snapshot();
    expect(bulk.map((r) => [r.id, r.risk_score, r.risk_reasons])).toEqual(incremental.map((r) => [r.id, r.risk_score, r.risk_reasons]));
    // and bulk rescoring found nothing to change
    expect(result.changed).toBe(0);
  });

  it("gives the scores the in-memory replay (used by the evaluation) computes from the same events", async () => {
    const replay = new FactsReplay();
    replay.setSpikes([{ ...SPIKE, knownAt: SPIKE.startedAt }]);
    for (const e of demo.events) replay.apply(e);
    const stored = await snapshot();
    // the rule table and the ring points (shared/accounts/ring.ts), here over every wallet at once
    const expected = replayScores(replay, NOW);
    const mismatches = stored.filter((r) => {
      const s = expected.get(r.id)!;
      return s.score !== r.risk_score || JSON.stringify(s.reasons) !== JSON.stringify(r.risk_reasons);
    });
    expect(mismatches.map((m) => [m.id, m.risk_score, expected.get(m.id)?.score])).toEqual([]);
    // (this small demo gives no wallet ring points; test/accounts-ring.test.ts compares those)
  });

  it("flags most fraudulent wallets and few honest ones, with every reason's evidence stored", async () => {
    const rows = await snapshot();
    const fraud = new Set(demo.labels.fraudAccountIds);
    const flagged = rows.filter((r) => r.risk_score >= DEFAULT_FLAG_THRESHOLD);
    const flaggedFraud = flagged.filter((r) => fraud.has(r.id)).length;
    expect(flaggedFraud / fraud.size).toBeGreaterThan(0.8);
    expect(flaggedFraud / flagged.length).toBeGreaterThan(0.8);
    const reasons = flagged[0].risk_reasons as { code: string; points: number; evidence: string }[];
    expect(reasons.length).toBeGreaterThan(1);
    for (const r of reasons) expect(r.evidence.length).toBeGreaterThan(5);
    // the spike signal reached the accounts linked at 0125 during it
    expect(rows.some((r) => (r.risk_reasons as { code: string }[]).some((x) => x.code === "LINKED_DURING_SPIKE"))).toBe(true);
    // every flagged account has the time it was first flagged
    expect(flagged.every((r) => r.flagged_at !== null)).toBe(true);
  });

  it("keeps the first flag time when the score drops and when it rises again", async () => {
    const [row] = (await snapshot()).filter((r) => r.risk_score >= DEFAULT_FLAG_THRESHOLD);
    const silent = SCORING_RULES.map((r) => ({ ...r, evaluate: () => null }));
    // (ring points off: its neighbours are still flagged, and this is about its own score dropping)
    await rescoreAccounts(t.db, [row.id], { now: NOW, rules: silent, ring: false, scoredAt: new Date("2030-01-01T00:00:00Z") });
    let [after] = (await snapshot()).filter((r) => r.id === row.id);
    expect(after.risk_score).toBe(0);
    expect(after.flagged_at).toEqual(row.flagged_at);
    await rescoreAccounts(t.db, [row.id], { now: NOW, scoredAt: new Date("2031-01-01T00:00:00Z") });
    [after] = (await snapshot()).filter((r) => r.id === row.id);
    expect(after.risk_score).toBe(row.risk_score);
    expect(after.flagged_at).toEqual(row.flagged_at);
  });
  it("does not wait for a batch still writing to the account (ingestion and rescoring used to deadlock)", async () => {
    const [row] = await snapshot();
    // An ingesting batch holds KEY SHARE locks on the accounts its rows refer to until it commits.
    const batch = await t.db.pool.connect();
    try {
      await batch.query("BEGIN");
      await batch.query(
        `INSERT INTO spend (id, account_id, amount_yen, channel, counterparty, occurred_at) VALUES ('lock-probe-spend', $1, 1000, 'payment', NULL, $2)`,
        [row.id, NOW],
      );
      const outcome = await Promise.race([
        rescoreAccounts(t.db, [row.id], { now: NOW }).then(() => "rescored"),
        new Promise((r) => setTimeout(() => r("waited for the batch"), 5_000)),
      ]);
      expect(outcome).toBe("rescored");
    } finally {
      await batch.query("ROLLBACK");
      batch.release();
    }
  });
});
