// Goal: on the default demo data (what `npm start` loads: its seed and scale, 30 days ending now),
// the incident banner lists exactly the attacked banks. The banner reads the bank-level alarm
// (shared/volume/alarm.ts) that detection runs; a month of honest traffic with its big purchases
// and new users must not put any other bank there.
// Method: the demo's events through the ingestion service into a fresh database, the volume
// backfill (npm start's post-load step), then volume.openSpikes (the banner's query). The demo ends
// at a fixed instant (npm start ends it at its own "now") so the test is repeatable; about 4 minutes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../server/env.ts";
import { defaultAttacks } from "../server/features/events/demo/index.ts";
import { REFERENCE_BANKS } from "../server/features/reference/banks.ts";
import { openSpikes } from "../server/features/volume/bank.ts";
import { previewSuspension } from "../server/features/suspensions/preview.ts";
import { createTestDatabase } from "./helpers/db.ts";
import { loadDemoWithSpikes } from "./volume-fixtures.ts";
import type { Database } from "../server/db/client.ts";

const NOW = new Date("2026-12-07T14:20:00+09:00");
let db: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  const env = readEnv({});
  const t0 = Date.now();
  await loadDemoWithSpikes(db, { seed: env.DEMO_SEED, scale: env.DEMO_SCALE, days: 30, now: NOW });
  console.log(`[alarm demo] default demo loaded and backfilled in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}, 900_000);

afterAll(async () => {
  await drop?.();
});

describe("the banner on the default demo data", () => {
  it("lists exactly the attacked banks, and no other bank raised an alarm in the days replayed", async () => {
    const attacks = defaultAttacks(REFERENCE_BANKS);
    const banner = await openSpikes(db);
    expect(banner.map((b) => b.bankCode).sort()).toEqual(attacks.map((a) => a.bankCode).sort());
    for (const b of banner) {
      expect(b.severity).toBeGreaterThan(0);
      // Attack-shaped evidence: fresh links charged at once, or suspect links (another person's account
      // linked minutes after a wallet opened, before any charge: d62bd8f).
      expect(b.evidence.some((e) => e === "FRESH_LINKS_CHARGED" || e === "SUSPECT_LINKS"), `${b.bankCode}: ${b.evidence.join(", ")}`).toBe(true);
    }
    // The alarm replays the last days on a first run; every alarm it raised there is at an attacked bank.
    const { rows } = await db.pool.query<{ bank_code: string; evidence: string; started_at: Date }>("SELECT bank_code, evidence, started_at FROM bank_alarm ORDER BY started_at");
    expect(rows.filter((r) => !attacks.some((a) => a.bankCode === r.bank_code))).toEqual([]);
  });

  it("the suspend dialog suggests, for each bank on the banner, the start the banner shows (it once offered the link spike's, an hour later)", async () => {
    const banner = await openSpikes(db);
    expect(banner.length).toBeGreaterThan(0);
    for (const b of banner) {
      const p = await previewSuspension(db.pool, { bankCodes: [b.bankCode], scopes: ["REGISTRATION", "LINK_CHANGE"] });
      expect(p.suggestedCutoff, b.bankCode).toEqual(b.since);
      expect(p.suggestedCutoffBasis, b.bankCode).toBe("OPEN");
    }
  });
});
