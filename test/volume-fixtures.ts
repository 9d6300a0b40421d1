// Event streams for the volume tests: a seasonal background of links (and charges through them) at
// a bank, and bursts, with explicit times. Deterministic for a given seed. Posted through the real
// API (postEvents) in batches the contract accepts.
import type { PlatformEvent } from "../shared/events/schemas.ts";
import { EVENTS_PER_BATCH_MAX } from "../shared/events/schemas.ts";
import { poisson, seededRandom, seasonalShape } from "./helpers/synthetic-volume.ts";
import { slotOfWeekJst } from "../shared/volume/time.ts";
import { postEvents } from "./events-fixtures.ts";
import type { Database } from "../server/db/client.ts";
import { defaultAttacks, generateDemo } from "../server/features/events/demo/index.ts";
import { REFERENCE_BANKS } from "../server/features/reference/banks.ts";
import type { DemoAttackSpec } from "../server/features/events/demo/index.ts";
import { ingestBatch } from "../server/features/events/ingest.ts";
import { loadStream } from "../server/features/events/stream-loader.ts";
import { backfillVolume } from "../server/features/volume/detection.ts";

const BUCKET_MS = 5 * 60_000;
let seq = 0;
const id = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** One wallet with one link at `bankCode` at `at`, and `charges` charges of `amountYen` a minute apart. */
export function walletLinkedAt(bankCode: string, at: Date, o: { charges?: number; amountYen?: number } = {}): PlatformEvent[] {
  const accountId = id("vacc");
  const linkId = id("vlnk");
  const t = at.getTime();
  const events: PlatformEvent[] = [
    {
      id: id("vev"),
      type: "account.opened",
      occurredAt: new Date(t).toISOString(),
      account: { id: accountId, holderName: "テスト タロウ", carrierCustomer: false, identityVerified: false },
    },
    {
      id: id("vev"),
      type: "link.registered",
      occurredAt: new Date(t).toISOString(),
      link: { id: linkId, accountId, bankCode, branchCode: "101", accountNumber: String(1_000_000 + (seq % 8_999_999)).slice(0, 7), holderName: "テスト タロウ", authMethod: "PIN" },
    },
  ];
  for (let k = 0; k < (o.charges ?? 0); k++) {
    events.push({ id: id("vev"), type: "charge.completed", occurredAt: new Date(t + (k + 1) * 1000).toISOString(), charge: { id: id("vchg"), linkId, amountYen: o.amountYen ?? 10_000 } });
  }
  return events;
}

/**
 * Links at `bankCode` from `from` to `to` (exclusive): per 5-minute bucket a Poisson count with mean
 * `level` × the daily/weekly shape of test/helpers/synthetic-volume.ts, each link with one charge.
 */
export function seasonalBackground(o: { bankCode: string; from: Date; to: Date; level: number; seed: number }): PlatformEvent[] {
  const rand = seededRandom(o.seed);
  const events: PlatformEvent[] = [];
  for (let t = o.from.getTime(); t < o.to.getTime(); t += BUCKET_MS) {
    const n = poisson(rand, o.level * seasonalShape(slotOfWeekJst(t, 5), 5));
    for (let k = 0; k < n; k++) events.push(...walletLinkedAt(o.bankCode, new Date(t + Math.floor(rand() * (BUCKET_MS - 5_000))), { charges: 1 }));
  }
  return events;
}

/** `count` wallets linking at `bankCode` spread over [at, at + spreadMs), each charging `charges` times. */
export function burst(o: { bankCode: string; at: Date; count: number; spreadMs?: number; charges?: number; amountYen?: number }): PlatformEvent[] {
  const events: PlatformEvent[] = [];
  const spread = o.spreadMs ?? 60_000;
  for (let k = 0; k < o.count; k++) {
    events.push(...walletLinkedAt(o.bankCode, new Date(o.at.getTime() + Math.floor((k * spread) / o.count)), { charges: o.charges ?? 0, amountYen: o.amountYen }));
  }
  return events;
}

/** Posts events in contract-sized batches, in time order (so references point earlier). */
export async function postAll(baseUrl: string, key: string, events: PlatformEvent[]): Promise<{ accepted: number; rejected: number }> {
  const sorted = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  let accepted = 0;
  let rejected = 0;
  for (let i = 0; i < sorted.length; i += EVENTS_PER_BATCH_MAX) {
    const res = await postEvents(baseUrl, key, { events: sorted.slice(i, i + EVENTS_PER_BATCH_MAX) });
    if (res.status !== 200) throw new Error(`POST /api/v1/events answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    accepted += res.body.accepted;
    rejected += res.body.rejected?.length ?? 0;
  }
  return { accepted, rejected };
}

/**
 * Demo data for the last `days` days through the ingestion service, then the volume backfill: what
 * `npm start` leaves behind (without its bulk rescoring), at a size a test can afford.
 */
export async function loadDemoWithSpikes(
  db: Database,
  o: { seed: number; scale: number; days: number; now?: Date; attacks?: DemoAttackSpec[] },
): Promise<void> {
  const now = o.now ?? new Date();
  const run = generateDemo({ seed: o.seed, scale: o.scale, days: o.days, now, banks: REFERENCE_BANKS, attacks: o.attacks });
  // Two lanes, as `npm start` loads it (demo-load.ts): PostgreSQL stores one batch while this
  // process generates and validates the next.
  const totals = await loadStream(run.events, { lanes: 2, send: (batch) => ingestBatch(db, batch, { afterCommit: false }) });
  if (totals.rejected > 0) throw new Error(`the demo stream had ${totals.rejected} rejected events: ${JSON.stringify(totals.rejectedByCode)}`);
  await backfillVolume(db, { now });
}

/**
 * The default attacks with The 77 Bank's moved to the last `hours`: attackers keep JST hours, so at a
 * small scale a 36-hour attack can be quiet (its alarm ended) when a test runs in the small hours.
 * A recent attack is open at any time of day, so a test that needs it open does not depend on the clock.
 */
export function attacksWithRecentPrimary(hours = 3): DemoAttackSpec[] {
  return defaultAttacks(REFERENCE_BANKS).map((a) => (a.bankCode === "0125" ? { ...a, startHoursBeforeNow: hours } : a));
}
