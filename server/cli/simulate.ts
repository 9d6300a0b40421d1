// `npm run simulate`: live wallet-platform traffic for demos, posted to a running console through
// the public API exactly as the platform would: it asks the decision API before each link
// registration, link change and charge (a "deny" means the event never happens), then sends what
// happened to POST /api/v1/events, stamped with the current time, once a second.
//
//   npm run simulate -- [--url http://localhost:3000] [--key <platform key>] [--rate 0.5]
//                       [--duration 120] [--scenario normal|attack] [--bank 0126] [--attack-rate 6]
//                       [--wallets 20]
//
// --rate is the honest traffic in events per second. The default, 0.5, is about the demo data's own
// daytime level, so normal traffic looks normal on the overview: a much higher rate is a surge at
// every bank and the detector rightly reports it. --attack-rate is the ring's events per second
// at --bank, on top (scenario attack).
//
// At the start it opens and links its own honest wallets (--wallets, some at the attack bank):
// those links exist before anything an analyst does during the run, so they show grandfathering
// when a manager suspends a bank mid-run. Ids carry a run id, so they never collide with the demo
// data or another run. Stops after --duration seconds (0 = until Ctrl-C), or on Ctrl-C.
//
// When the console does not answer a decision in time it follows the down contract
// (shared/suspensions/down-contract.ts, also in the OpenAPI document): each kind's timeout, then
// registrations and link changes fail closed and small charges fail open up to a per-link limit.
// Events the console did not take (no answer, 5xx) are kept and sent again the next second, as the
// platform's outbox would.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { EVENTS_PER_BATCH_MAX, type PlatformEvent } from "../../shared/events/schemas.ts";
import { REFERENCE_BANKS } from "../features/reference/banks.ts";
import { GIVEN_FEMALE, GIVEN_MALE, SHOPS, SURNAMES } from "../features/events/demo/names.ts";
import { chance, createRng, int, pick, weighted } from "../features/events/demo/prng.ts";
import { DOWN_CONTRACT, fallbackDecision, type DownDecisionKind } from "../../shared/suspensions/down-contract.ts";
import { demoChargeDescriptor } from "../../shared/events/descriptor.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    key: { type: "string" },
    rate: { type: "string", default: "0.5" },
    "attack-rate": { type: "string", default: "6" },
    duration: { type: "string", default: "120" },
    scenario: { type: "string", default: "normal" },
    bank: { type: "string", default: "0126" },
    wallets: { type: "string", default: "20" },
    seed: { type: "string" },
  },
});

function fail(message: string): never {
  console.error(`[simulate] ${message}`);
  process.exit(1);
}

const baseUrl = values.url!.replace(/\/+$/, "");
const ratePerSecond = Number(values.rate);
const attackRatePerSecond = Number(values["attack-rate"]);
const durationSeconds = Number(values.duration);
const scenario = values.scenario!;
const attackBank = values.bank!;
const honestWalletsAtStart = Number(values.wallets);
if (!(ratePerSecond >= 0.1 && ratePerSecond <= 5000)) fail("--rate must be between 0.1 and 5000 events per second");
if (!(attackRatePerSecond >= 0.1 && attackRatePerSecond <= 5000)) fail("--attack-rate must be between 0.1 and 5000 events per second");
if (!(durationSeconds >= 0)) fail("--duration must be a number of seconds (0 = until Ctrl-C)");
if (scenario !== "normal" && scenario !== "attack") fail("--scenario must be normal or attack");
if (!REFERENCE_BANKS.some((b) => b.code === attackBank)) fail(`--bank ${attackBank} is not a reference bank code`);
if (!(Number.isInteger(honestWalletsAtStart) && honestWalletsAtStart >= 1 && honestWalletsAtStart <= 10_000)) fail("--wallets must be between 1 and 10000");

function readKey(): string {
  if (values.key) return values.key;
  const file = path.resolve(import.meta.dirname, "../../.data/demo-platform-api-key.txt");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    fail(`no --key given and ${path.relative(process.cwd(), file)} is missing: start the console once (npm start) or pass --key`);
  }
}
const apiKey = readKey();

// Ids: a run id keeps this run apart from the demo data and from other runs.
const runId = `sim${Date.now().toString(36)}`;
const rng = createRng(values.seed ?? runId);
let seq = 0;
const nextId = (kind: string) => `${runId}-${kind}${++seq}`;

// ---------------------------------------------------------------------------------------------
// HTTP

type Decision = { decision: "allow" | "deny" | "challenge"; reason?: string };
let decisionEndpointsMissing = false;

async function api(pathName: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}${pathName}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { message: text.slice(0, 200) };
  }
  if (res.status === 401) fail("the console refused the API key (401): pass --key with a valid platform key");
  return { status: res.status, json };
}

const unansweredKey = { LINK_REGISTRATION: "registration", LINK_CHANGE: "change", CHARGE: "charge" } as const;

/**
 * Asks the decision API within the kind's timeout (the down contract). No answer in time, a
 * connection error or anything but a 200 with a decision: the contract's fallback, counted. A
 * missing endpoint (404, not built yet) counts as allow.
 */
async function decide(kind: DownDecisionKind, body: unknown, fallbackInput: { amountYen?: number; openYenOnLink?: number } = {}): Promise<Decision & { answered: boolean }> {
  const policy = DOWN_CONTRACT[kind];
  let answer: { status: number; json: any } | null = null;
  try {
    answer = await api(policy.path, body, policy.timeoutMs);
  } catch {
    answer = null; // timed out or no connection
  }
  if (answer?.status === 404 && answer.json?.code === "NOT_FOUND") {
    decisionEndpointsMissing = true;
    return { decision: "allow", answered: true };
  }
  if (answer?.status === 200 && (answer.json?.decision === "allow" || answer.json?.decision === "deny" || answer.json?.decision === "challenge")) return { ...(answer.json as Decision), answered: true };
  const decision = fallbackDecision(kind, fallbackInput);
  const k = unansweredKey[kind];
  stats.unanswered[k][decision === "allow" ? "open" : "closed"]++;
  return { decision, reason: "NO_ANSWER", answered: false };
}

// ---------------------------------------------------------------------------------------------
// The simulated population

interface Wallet {
  accountId: string;
  holderName: string;
  fraud: boolean;
  linkId?: string;
  bankCode?: string;
  /** charges still to make (fraud: near the limits, in a burst) */
  plannedChargesYen: number[];
  balanceYen: number;
  /** yen charged under the down contract's fallback since the console last answered for this link */
  openYen?: number;
  /** asked to re-verify by a charge suspension's gate (once) */
  reverificationAsked?: boolean;
}

const bankPick = weighted(REFERENCE_BANKS.map((b) => [b.code, b.weight] as const));
const honestCharge = weighted([
  [1_000, 10], [2_000, 6], [3_000, 10], [5_000, 14], [10_000, 14], [20_000, 6], [30_000, 4], [50_000, 2], [100_000, 0.5],
] as const);
const personName = () => `${pick(rng, SURNAMES)} ${pick(rng, chance(rng, 0.5) ? GIVEN_MALE : GIVEN_FEMALE)}`;
const FRAUD_DEVICES = Array.from({ length: 6 }, (_, i) => `${runId}-dev-x${i}`);
const FRAUD_IPS = Array.from({ length: 4 }, (_, i) => `198.51.100.${20 + i}`);

const honest: Wallet[] = [];
const honestLinked: Wallet[] = [];
const awaitingLink: Wallet[] = []; // opened in an earlier second, link attempt due
const fraudAwaitingLink: Wallet[] = [];
const fraudCharging: Wallet[] = [];

const stats = {
  sent: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  denied: { registration: 0, change: 0, charge: 0 },
  /** charges answered `challenge` (step-up), and how their verifications went (#17) */
  challenged: { charge: 0, reverification: 0, passed: 0, failed: 0 },
  /** decisions the console did not answer in time: what the down contract made of them */
  unanswered: { registration: { open: 0, closed: 0 }, change: { open: 0, closed: 0 }, charge: { open: 0, closed: 0 } },
  /** events waiting to be sent again (the console did not take them) */
  queued: 0,
  byType: {} as Record<string, number>,
};

const now = () => new Date().toISOString();

function openAccount(fraud: boolean): [Wallet, PlatformEvent] {
  const w: Wallet = { accountId: nextId("acc"), holderName: fraud ? personName() : personName(), fraud, plannedChargesYen: [], balanceYen: 0 };
  return [
    w,
    {
      id: nextId("ev"),
      type: "account.opened",
      occurredAt: now(),
      account: fraud
        ? { id: w.accountId, holderName: w.holderName, carrierCustomer: false, identityVerified: chance(rng, 0.1), deviceId: pick(rng, FRAUD_DEVICES), ipAddress: pick(rng, FRAUD_IPS) }
        : {
            id: w.accountId,
            holderName: w.holderName,
            carrierCustomer: chance(rng, 0.7),
            identityVerified: chance(rng, 0.6),
            deviceId: `${runId}-dev${int(rng, 1, 1_000_000)}`,
            ipAddress: `203.0.113.${int(rng, 1, 254)}`,
          },
    },
  ];
}

/** Decision first; the event only when allowed. */
async function registerLink(w: Wallet, bankCode: string): Promise<PlatformEvent | null> {
  const d = await decide("LINK_REGISTRATION", { accountId: w.accountId, bankCode });
  if (d.decision === "deny") {
    if (d.answered) stats.denied.registration++;
    return null;
  }
  const bank = REFERENCE_BANKS.find((b) => b.code === bankCode)!;
  const linkId = nextId("lnk");
  w.linkId = linkId;
  w.bankCode = bankCode;
  return {
    id: nextId("ev"),
    type: "link.registered",
    occurredAt: now(),
    link: {
      id: linkId,
      accountId: w.accountId,
      bankCode,
      branchCode: String(int(rng, 100, 899)),
      accountNumber: String(int(rng, 1_000_000, 9_999_999)),
      // A fraudulent wallet links a victim's account: the bank's holder name is someone else's.
      holderName: w.fraud ? personName() : w.holderName,
      authMethod: bank.authMethod,
    },
  };
}

/**
 * Step-up after a `challenge` (#17): the platform verifies the customer (an OTP to the wallet
 * holder's phone) and reports the result at once as an account.verified event. An honest holder
 * passes; a fraudster who linked a victim's bank account fails. Returns whether it passed.
 */
async function verifyHolder(w: Wallet, method: "OTP" | "EKYC" = "OTP"): Promise<boolean> {
  const passed = !w.fraud;
  const event: PlatformEvent = { id: nextId("ev"), type: "account.verified", occurredAt: now(), verification: { accountId: w.accountId, method, passed } };
  try {
    const { status, json } = await api("/api/v1/events", { events: [event] }, EVENTS_TIMEOUT_MS);
    if (status !== 200) return false;
    stats.sent++;
    stats.accepted += json.accepted;
    stats.byType[event.type] = (stats.byType[event.type] ?? 0) + 1;
  } catch {
    return false; // not reported: the charge does not proceed
  }
  stats.challenged[passed ? "passed" : "failed"]++;
  return passed;
}

async function charge(w: Wallet, amountYen: number): Promise<PlatformEvent | null> {
  let d = await decide("CHARGE", { linkId: w.linkId!, amountYen }, { amountYen, openYenOnLink: w.openYen ?? 0 });
  if (d.decision === "challenge") {
    stats.challenged.charge++;
    if (!(await verifyHolder(w))) return null;
    d = await decide("CHARGE", { linkId: w.linkId!, amountYen }, { amountYen, openYenOnLink: w.openYen ?? 0 });
    if (d.decision === "challenge") return null; // still not verified: the charge does not happen
  }
  if (d.decision === "deny" && d.reason === "REVERIFICATION_REQUIRED" && !w.reverificationAsked) {
    // The bank's charges are suspended behind a re-verification gate: the platform asks the holder
    // to re-verify once (eKYC in the app), reports it, and the next charge is decided again.
    w.reverificationAsked = true;
    stats.challenged.reverification++;
    if (await verifyHolder(w, "EKYC")) d = await decide("CHARGE", { linkId: w.linkId!, amountYen }, { amountYen, openYenOnLink: w.openYen ?? 0 });
  }
  if (d.answered) w.openYen = 0;
  if (d.decision === "deny") {
    if (d.answered) stats.denied.charge++;
    return null;
  }
  if (!d.answered) w.openYen = (w.openYen ?? 0) + amountYen;
  w.balanceYen += amountYen;
  const chargeId = nextId("chg");
  return { id: nextId("ev"), type: "charge.completed", occurredAt: now(), charge: { id: chargeId, linkId: w.linkId!, amountYen, descriptor: demoChargeDescriptor(chargeId) } };
}

function spend(w: Wallet, amountYen: number, channel: "payment" | "transfer"): PlatformEvent {
  w.balanceYen = Math.max(0, w.balanceYen - amountYen);
  return {
    id: nextId("ev"),
    type: "spend.completed",
    occurredAt: now(),
    spend: { id: nextId("spd"), accountId: w.accountId, amountYen, channel, counterparty: channel === "payment" ? pick(rng, SHOPS) : "送金" },
  };
}

async function changeLink(w: Wallet): Promise<PlatformEvent | null> {
  const bankCode = bankPick(rng);
  const d = await decide("LINK_CHANGE", { linkId: w.linkId!, bankCode });
  if (d.decision === "deny") {
    if (d.answered) stats.denied.change++;
    return null;
  }
  const bank = REFERENCE_BANKS.find((b) => b.code === bankCode)!;
  w.bankCode = bankCode;
  return {
    id: nextId("ev"),
    type: "link.changed",
    occurredAt: now(),
    link: { id: w.linkId!, bankCode, branchCode: String(int(rng, 100, 899)), accountNumber: String(int(rng, 1_000_000, 9_999_999)), holderName: w.holderName, authMethod: bank.authMethod },
  };
}

/** Runs the async steps with a little concurrency, keeping their order in the result. */
async function inOrder(steps: Array<() => Promise<PlatformEvent | null>>, concurrency = 8): Promise<PlatformEvent[]> {
  const out: (PlatformEvent | null)[] = new Array(steps.length).fill(null);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, steps.length) }, async () => {
      while (next < steps.length) {
        const i = next++;
        out[i] = await steps[i]();
      }
    }),
  );
  return out.filter((e): e is PlatformEvent => e !== null);
}

// ---------------------------------------------------------------------------------------------
// One second of traffic

/** Events for this second: honest traffic, plus the attack's when the scenario says so. */
async function tick(honestEvents: number, fraudEvents: number): Promise<PlatformEvent[]> {
  const steps: Array<() => Promise<PlatformEvent | null>> = [];
  const fraudBudget = fraudEvents;
  let honestBudget = honestEvents;

  // Wallets opened last second try to link now (new users link within minutes).
  for (const w of awaitingLink.splice(0, Math.max(1, Math.floor(honestBudget / 4)))) {
    steps.push(async () => {
      const e = await registerLink(w, chance(rng, 0.1) ? attackBank : bankPick(rng));
      if (e) honestLinked.push(w);
      return e;
    });
    honestBudget--;
  }
  while (honestBudget > 0) {
    honestBudget--;
    const r = rng();
    if (r < 0.05 || honestLinked.length === 0) {
      const [w, e] = openAccount(false);
      honest.push(w);
      awaitingLink.push(w);
      steps.push(async () => e);
    } else if (r < 0.52) {
      const w = pick(rng, honestLinked);
      steps.push(() => charge(w, honestCharge(rng)));
    } else if (r < 0.99) {
      const w = pick(rng, honestLinked);
      steps.push(async () => spend(w, int(rng, 1, 200) * 100, chance(rng, 0.9) ? "payment" : "transfer"));
    } else {
      const w = pick(rng, honestLinked);
      steps.push(() => changeLink(w));
    }
  }

  let f = fraudBudget;
  // The ring: new wallets every second, each links a victim's account at the attacked bank through
  // its PIN-only page, charges near the limits within minutes, and moves the money out.
  for (const w of fraudAwaitingLink.splice(0)) {
    steps.push(async () => {
      const e = await registerLink(w, attackBank);
      if (e) {
        w.plannedChargesYen = [100_000, 90_000, 90_000, 20_000];
        fraudCharging.push(w);
      }
      return e;
    });
    f--;
  }
  for (const w of [...fraudCharging]) {
    if (f <= 0) break;
    const amount = w.plannedChargesYen.shift();
    if (amount !== undefined) {
      steps.push(() => charge(w, amount));
      f--;
    } else {
      if (w.balanceYen > 0) steps.push(async () => spend(w, w.balanceYen, "transfer"));
      fraudCharging.splice(fraudCharging.indexOf(w), 1);
      f--;
    }
  }
  while (f > 0) {
    const [w, e] = openAccount(true);
    fraudAwaitingLink.push(w);
    steps.push(async () => e);
    f -= 5; // each new wallet brings a link, charges and a transfer in the following seconds
  }
  return inOrder(steps);
}

// The platform's outbox: events are sent in order; a batch the console did not take (no answer,
// 5xx, 429) stays at the head and is sent again with the next second's events.
const outbox: PlatformEvent[] = [];
const EVENTS_TIMEOUT_MS = 15_000;

/** Queues the events and sends the outbox; false when the console did not take it (kept for later). */
async function send(events: PlatformEvent[]): Promise<boolean> {
  outbox.push(...events);
  while (outbox.length > 0) {
    const batch = outbox.slice(0, EVENTS_PER_BATCH_MAX);
    let answer: { status: number; json: any } | null = null;
    try {
      answer = await api("/api/v1/events", { events: batch }, EVENTS_TIMEOUT_MS);
    } catch {
      answer = null;
    }
    if (!answer || answer.status >= 500 || answer.status === 429) {
      stats.queued = outbox.length;
      return false;
    }
    const { status, json } = answer;
    if (status !== 200) fail(`POST /api/v1/events answered ${status}: ${json?.message ?? ""}`);
    outbox.splice(0, batch.length);
    stats.queued = outbox.length;
    stats.sent += batch.length;
    stats.accepted += json.accepted;
    stats.duplicates += json.duplicates;
    stats.rejected += json.rejected.length;
    for (const r of json.rejected.slice(0, 3)) console.log(`[simulate]   rejected #${r.index} ${r.code}: ${r.message}`);
    for (const e of batch) stats.byType[e.type] = (stats.byType[e.type] ?? 0) + 1;
  }
  return true;
}

const shortType: Record<string, string> = { "account.opened": "open", "link.registered": "link", "link.changed": "change", "charge.completed": "charge", "spend.completed": "spend", "account.verified": "verified" };

function line(seconds: number, before: typeof stats) {
  const counts = Object.entries(stats.byType)
    .map(([t, n]) => [t, n - (before.byType[t] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${shortType[t]} ${n}`)
    .join(", ");
  const d = stats.denied;
  const bd = before.denied;
  console.log(
    `[simulate] ${String(seconds).padStart(4)} s  sent ${String(stats.sent - before.sent).padStart(4)} (${counts || "nothing"})  ` +
      `accepted ${stats.accepted - before.accepted}, duplicates ${stats.duplicates - before.duplicates}, rejected ${stats.rejected - before.rejected}  ` +
      `denied: registration ${d.registration - bd.registration}, change ${d.change - bd.change}, charge ${d.charge - bd.charge}` +
      (stats.challenged.charge > before.challenged.charge
        ? `  challenged: charge ${stats.challenged.charge - before.challenged.charge} (verified ${stats.challenged.passed - before.challenged.passed}, failed ${stats.challenged.failed - before.challenged.failed})`
        : "") +
      unansweredText(stats.unanswered, before.unanswered) +
      (stats.queued ? `  queued ${stats.queued} events (the console did not take them)` : ""),
  );
}

type Unanswered = typeof stats.unanswered;
/** "  no answer: registration 2 closed, charge 3 open / 1 closed" (empty when every decision was answered) */
function unansweredText(now: Unanswered, before?: Unanswered): string {
  const parts = (Object.keys(now) as Array<keyof Unanswered>).flatMap((k) => {
    const open = now[k].open - (before?.[k].open ?? 0);
    const closed = now[k].closed - (before?.[k].closed ?? 0);
    if (open + closed === 0) return [];
    return [`${k} ${[open ? `${open} open` : "", closed ? `${closed} closed` : ""].filter(Boolean).join(" / ")}`];
  });
  return parts.length ? `  no answer: ${parts.join(", ")}` : "";
}

const snapshot = () => ({
  ...stats,
  denied: { ...stats.denied },
  challenged: { ...stats.challenged },
  byType: { ...stats.byType },
  unanswered: structuredClone(stats.unanswered),
});

let stopping = false;
process.on("SIGINT", () => {
  if (stopping) process.exit(130);
  stopping = true;
});

async function main() {
  try {
    const res = await fetch(`${baseUrl}/healthz`);
    if (!res.ok) throw new Error(String(res.status));
  } catch (err) {
    fail(`no console answers at ${baseUrl} (${(err as Error).message}): start it with npm start, or pass --url`);
  }
  console.log(
    `[simulate] run ${runId}: ${scenario === "attack" ? `ATTACK at bank ${attackBank} starting now` : "normal traffic"}, ~${ratePerSecond} honest events/s` +
      `${scenario === "attack" ? ` + ~${attackRatePerSecond} attack events/s` : ""}, ` +
      `${durationSeconds ? `for ${durationSeconds} s` : "until Ctrl-C"} → ${baseUrl}`,
  );

  // Setup: honest wallets with links made now, before anything an analyst does during the run.
  const opened = Array.from({ length: honestWalletsAtStart }, () => openAccount(false));
  await send(opened.map(([, e]) => e));
  const links = await inOrder(
    opened.map(([w], i) => async () => {
      honest.push(w);
      const e = await registerLink(w, i % 10 === 0 ? attackBank : bankPick(rng));
      if (e) honestLinked.push(w);
      return e;
    }),
  );
  await send(links);
  const atAttackBank = honestLinked.filter((w) => w.bankCode === attackBank).length;
  console.log(
    `[simulate] setup: ${honestLinked.length} honest wallets linked (${atAttackBank} at ${attackBank}); ` +
      `they keep charging, and stay grandfathered if a bank is suspended from now on`,
  );
  if (decisionEndpointsMissing) console.log("[simulate] note: the decision API is not available (404): every decision counts as allow");

  const t0 = Date.now();
  let carry = 0;
  let fraudCarry = 0;
  for (let second = 1; !stopping && (durationSeconds === 0 || second <= durationSeconds); second++) {
    const before = snapshot();
    carry += ratePerSecond;
    const budget = Math.floor(carry);
    carry -= budget;
    fraudCarry += scenario === "attack" ? attackRatePerSecond : 0;
    const fraudBudget = Math.floor(fraudCarry);
    fraudCarry -= fraudBudget;
    const events = await tick(budget, fraudBudget);
    await send(events);
    line(second, before);
    const wait = t0 + second * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  // Flush what the console did not take yet (a few tries, as an outbox would on shutdown).
  for (let i = 0; i < 5 && outbox.length > 0 && !(await send([])); i++) await new Promise((r) => setTimeout(r, 1_000));
  const d = stats.denied;
  console.log(
    `[simulate] done: sent ${stats.sent} events (${Object.entries(stats.byType).map(([t, n]) => `${shortType[t]} ${n}`).join(", ")}); ` +
      `accepted ${stats.accepted}, duplicates ${stats.duplicates}, rejected ${stats.rejected}; ` +
      `denied by the decision API: registration ${d.registration}, change ${d.change}, charge ${d.charge}` +
      (stats.challenged.charge || stats.challenged.reverification
        ? `; charges challenged ${stats.challenged.charge}, re-verifications asked ${stats.challenged.reverification} (holder verified ${stats.challenged.passed}, failed ${stats.challenged.failed})`
        : "") +
      (unansweredText(stats.unanswered) ? `;${unansweredText(stats.unanswered).replace(/^ +/, " ")} (the down contract's fallback)` : "") +
      (outbox.length ? `; ${outbox.length} events never taken by the console` : ""),
  );
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
