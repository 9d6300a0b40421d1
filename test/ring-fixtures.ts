// The ring fixture (issue #16): hand-made platform events with a blatant ring on one phone, quiet
// wallets around it (on its phone, one hop further, in lock-step with its links), and honest hubs (a
// university address, a family phone). Used by test/accounts-ring.test.ts and the browser test.
import { EventLoader } from "./accounts-fixtures.ts";
import { rescoreTouched } from "../server/features/accounts/scoring-related.ts";
import type { Database } from "../server/db/client.ts";
import { DEFAULT_RING_PARAMS } from "../shared/accounts/ring.ts";
import type { PlatformEvent } from "../shared/events/schemas.ts";

const T0 = Date.parse("2020-09-07T09:00:00Z");
export const RING_NOW = new Date("2020-09-08T00:00:00Z");
const min = (m: number) => new Date(T0 + m * 60_000).toISOString();
let seq = 0;
const eid = () => `evt-ring-${String(++seq).padStart(4, "0")}`;

export const events: PlatformEvent[] = [];
function open(id: string, at: number, o: { device?: string; ip?: string; name?: string } = {}) {
  events.push({
    id: eid(),
    occurredAt: min(at),
    type: "account.opened",
    account: { id, holderName: o.name ?? "タナカ イチロウ", carrierCustomer: false, identityVerified: false, ...(o.device ? { deviceId: o.device } : {}), ...(o.ip ? { ipAddress: o.ip } : {}) },
  } as PlatformEvent);
}
function link(id: string, account: string, at: number, o: { bank?: string; number?: string; holder?: string; auth?: string } = {}) {
  events.push({
    id: eid(),
    occurredAt: min(at),
    type: "link.registered",
    link: { id, accountId: account, bankCode: o.bank ?? "0152", branchCode: "101", accountNumber: o.number ?? String(1000000 + seq), holderName: o.holder ?? "スズキ ハナコ", authMethod: o.auth ?? "PIN" },
  } as PlatformEvent);
}
function charge(id: string, linkId: string, at: number, yen: number) {
  events.push({ id: eid(), occurredAt: min(at), type: "charge.completed", charge: { id, linkId, amountYen: yen } } as PlatformEvent);
}
function transfer(id: string, account: string, at: number, yen: number) {
  events.push({ id: eid(), occurredAt: min(at), type: "spend.completed", spend: { id, accountId: account, amountYen: yen, channel: "transfer", counterparty: "ヤマモト ジロウ" } } as PlatformEvent);
}

// The blatant ring: four wallets on one phone, each linking a victim's account at 0152 minutes after
// opening, charging the limit and sending it on at once (flagged by the rule table alone).
export const RING = ["acc-ring-1", "acc-ring-2", "acc-ring-3", "acc-ring-4"];
// The quiet ones: on the ring's phone (opened days before, own account elsewhere); one more hop away
// (sharing the quiet one's address); linking 0152 among the ring's links, sharing nothing.
export const Q_DEVICE = "acc-quiet-phone";
export const Q_FAR = "acc-quiet-far";
export const Q_TIME = "acc-quiet-time";
// Honest hubs: a university's address with the ring's last two wallets among 26 students (more than
// the IP limit), and a family's phone shared by three wallets, one of them flagged.
export const UNIVERSITY = Array.from({ length: DEFAULT_RING_PARAMS.maxWallets.IP + 1 }, (_, i) => `acc-uni-${String(i).padStart(2, "0")}`);
export const FAMILY = ["acc-family-1", "acc-family-2"];

open(Q_DEVICE, -3 * 1440, { device: "dev-ring", ip: "203.0.113.50", name: "イトウ ケン" });
link("lnk-quiet-phone", Q_DEVICE, -3 * 1440 + 600, { bank: "0168", holder: "イトウ ケン", auth: "ONLINE_BANKING" });
open(Q_FAR, -2 * 1440, { device: "dev-far", ip: "203.0.113.50", name: "イトウ ユミ" });
open(Q_TIME, -4 * 1440, { device: "dev-time", ip: "203.0.113.77", name: "カトウ ケン" });
UNIVERSITY.forEach((id, i) => open(id, -10 * 1440 + i, { device: `dev-uni-${i}`, ip: "172.20.1.1", name: "ワタナベ サクラ" }));
FAMILY.forEach((id, i) => open(id, -20 * 1440 + i, { device: "dev-family", ip: `198.51.100.${20 + i}`, name: "ヤマダ タロウ" }));
RING.forEach((id, i) => {
  const t = i * 12;
  open(id, t, { device: "dev-ring", ip: i < 2 ? "198.51.100.9" : "172.20.1.1" });
  link(`lnk-ring-${i}`, id, t + 4);
  charge(`chg-ring-${i}-a`, `lnk-ring-${i}`, t + 6, 100_000);
  charge(`chg-ring-${i}-b`, `lnk-ring-${i}`, t + 7, 100_000);
  charge(`chg-ring-${i}-c`, `lnk-ring-${i}`, t + 8, 90_000);
  transfer(`spd-ring-${i}`, id, t + 10, 290_000);
});
link("lnk-quiet-time", Q_TIME, 20, { holder: "サトウ ジロウ" });
// 0152's ordinary customers over the week ending a day before: 14 links (half a link in six hours, its usual
// traffic for the lock-step guard), each their own account, nothing shared
export const REGULARS = Array.from({ length: 14 }, (_, k) => `acc-regular-${String(k + 1).padStart(2, "0")}`);
REGULARS.forEach((id, k) => {
  open(id, -12_000 + k, { device: `dev-regular-${k}`, ip: `203.0.113.${120 + k}`, name: "キムラ タケシ" });
  link(`lnk-regular-${k}`, id, -1_600 - 700 * (k + 1), { holder: "キムラ タケシ" });
});
// a flagged family member: same profile as the ring, on the family's phone
open("acc-family-0", -20 * 1440 + 5, { device: "dev-family", ip: "198.51.100.30", name: "ヤマダ ハナコ" });
link("lnk-family-0", "acc-family-0", 200, { bank: "0168" });
charge("chg-family-0-a", "lnk-family-0", 202, 100_000);
charge("chg-family-0-b", "lnk-family-0", 203, 100_000);
charge("chg-family-0-c", "lnk-family-0", 204, 90_000);
transfer("spd-family-0", "acc-family-0", 206, 290_000);
events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));


/** Writes the events batch by batch, scoring after each batch as the ingest hook does. */
export async function loadRingFixture(db: Pick<Database, "pool">, batchSize = 7): Promise<void> {
  const loader = new EventLoader(db.pool);
  const linkOwner = new Map<string, string>();
  await loader.loadAll(events, {
    batchSize,
    afterBatch: async (touched, batch) => {
      const openedAccountIds = batch.flatMap((e) => (e.type === "account.opened" ? [e.account.id] : []));
      for (const e of batch) if (e.type === "link.registered") linkOwner.set(e.link.id, e.link.accountId);
      const linkedAccountIds = batch.flatMap((e) => (e.type === "link.registered" ? [linkOwner.get(e.link.id)!] : []));
      await rescoreTouched(db, touched, { now: RING_NOW, scoredAt: new Date(batch[batch.length - 1].occurredAt) }, { openedAccountIds, linkedAccountIds });
    },
  });
}
