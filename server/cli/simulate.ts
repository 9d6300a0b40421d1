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
//
// The parts under simulate/: options.ts (the command line), traffic.ts (the population and each
// second's events), console-api.ts (decisions and the outbox), report.ts (the lines it prints).
import { ConsoleApi } from "./simulate/console-api.ts";
import { fail, readOptions } from "./simulate/options.ts";
import { doneLine, newStats, secondLine, snapshot } from "./simulate/report.ts";
import { Traffic } from "./simulate/traffic.ts";

const o = readOptions();
const { baseUrl, scenario, attackBank } = o;
// Ids: a run id keeps this run apart from the demo data and from other runs.
const runId = `sim${Date.now().toString(36)}`;
const stats = newStats();
const api = new ConsoleApi(baseUrl, o.apiKey, stats);
const traffic = new Traffic(api, stats, attackBank, runId, o.seed ?? runId);

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
    `[simulate] run ${runId}: ${scenario === "attack" ? `ATTACK at bank ${attackBank} starting now` : "normal traffic"}, ~${o.ratePerSecond} honest events/s` +
      `${scenario === "attack" ? ` + ~${o.attackRatePerSecond} attack events/s` : ""}, ` +
      `${o.durationSeconds ? `for ${o.durationSeconds} s` : "until Ctrl-C"} → ${baseUrl}`,
  );

  // Setup: honest wallets with links made now, before anything an analyst does during the run.
  await traffic.setup(o.honestWalletsAtStart);
  const linked = traffic.honestLinked;
  const atAttackBank = linked.filter((w) => w.bankCode === attackBank).length;
  console.log(
    `[simulate] setup: ${linked.length} honest wallets linked (${atAttackBank} at ${attackBank}); ` +
      `they keep charging, and stay grandfathered if a bank is suspended from now on`,
  );
  if (api.decisionEndpointsMissing) console.log("[simulate] note: the decision API is not available (404): every decision counts as allow");

  const t0 = Date.now();
  let carry = 0;
  let fraudCarry = 0;
  for (let second = 1; !stopping && (o.durationSeconds === 0 || second <= o.durationSeconds); second++) {
    const before = snapshot(stats);
    carry += o.ratePerSecond;
    const budget = Math.floor(carry);
    carry -= budget;
    fraudCarry += scenario === "attack" ? o.attackRatePerSecond : 0;
    const fraudBudget = Math.floor(fraudCarry);
    fraudCarry -= fraudBudget;
    const events = await traffic.tick(budget, fraudBudget);
    await api.send(events);
    console.log(secondLine(second, stats, before));
    const wait = t0 + second * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  // Flush what the console did not take yet (a few tries, as an outbox would on shutdown).
  for (let i = 0; i < 5 && api.pending > 0 && !(await api.send([])); i++) await new Promise((r) => setTimeout(r, 1_000));
  console.log(doneLine(stats, api.pending));
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
