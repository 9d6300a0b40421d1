// The simulated population and what it does each second: honest wallets opening, linking,
// charging, spending and now and then changing their link, and (scenario attack) a ring of
// fraudulent wallets at one bank. Every link registration, link change and charge asks the
// decision API first: a "deny" means the event never happens.
import type { PlatformEvent } from "../../../shared/events/schemas.ts";
import { REFERENCE_BANKS } from "../../features/reference/banks.ts";
import { GIVEN_FEMALE, GIVEN_MALE, SHOPS, SURNAMES } from "../../features/events/demo/names.ts";
import { chance, createRng, int, pick, weighted, type Rng } from "../../features/events/demo/prng.ts";
import type { ConsoleApi } from "./console-api.ts";
import type { SimulateStats } from "./report.ts";

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
}

type Step = () => Promise<PlatformEvent | null>;

const bankPick = weighted(REFERENCE_BANKS.map((b) => [b.code, b.weight] as const));
const honestCharge = weighted([
  [1_000, 10], [2_000, 6], [3_000, 10], [5_000, 14], [10_000, 14], [20_000, 6], [30_000, 4], [50_000, 2], [100_000, 0.5],
] as const);
const now = () => new Date().toISOString();

/** Runs the async steps with a little concurrency, keeping their order in the result. */
export async function inOrder(steps: Step[], concurrency = 8): Promise<PlatformEvent[]> {
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

export class Traffic {
  private readonly honest: Wallet[] = [];
  readonly honestLinked: Wallet[] = [];
  private readonly awaitingLink: Wallet[] = []; // opened in an earlier second, link attempt due
  private readonly fraudAwaitingLink: Wallet[] = [];
  private readonly fraudCharging: Wallet[] = [];
  private readonly rng: Rng;
  private seq = 0;
  private readonly fraudDevices: string[];
  private readonly fraudIps: string[];

  /** Ids carry the run id, so they never collide with the demo data or another run. */
  constructor(
    private readonly api: ConsoleApi,
    private readonly stats: SimulateStats,
    private readonly attackBank: string,
    private readonly runId: string,
    seed: string,
  ) {
    this.rng = createRng(seed);
    this.fraudDevices = Array.from({ length: 6 }, (_, i) => `${runId}-dev-x${i}`);
    this.fraudIps = Array.from({ length: 4 }, (_, i) => `198.51.100.${20 + i}`);
  }

  private nextId(kind: string): string {
    return `${this.runId}-${kind}${++this.seq}`;
  }

  private personName(): string {
    return `${pick(this.rng, SURNAMES)} ${pick(this.rng, chance(this.rng, 0.5) ? GIVEN_MALE : GIVEN_FEMALE)}`;
  }

  private openAccount(fraud: boolean): [Wallet, PlatformEvent] {
    const rng = this.rng;
    const w: Wallet = { accountId: this.nextId("acc"), holderName: fraud ? this.personName() : this.personName(), fraud, plannedChargesYen: [], balanceYen: 0 };
    return [
      w,
      {
        id: this.nextId("ev"),
        type: "account.opened",
        occurredAt: now(),
        account: fraud
          ? { id: w.accountId, holderName: w.holderName, carrierCustomer: false, identityVerified: chance(rng, 0.1), deviceId: pick(rng, this.fraudDevices), ipAddress: pick(rng, this.fraudIps) }
          : {
              id: w.accountId,
              holderName: w.holderName,
              carrierCustomer: chance(rng, 0.7),
              identityVerified: chance(rng, 0.6),
              deviceId: `${this.runId}-dev${int(rng, 1, 1_000_000)}`,
              ipAddress: `203.0.113.${int(rng, 1, 254)}`,
            },
      },
    ];
  }

  /** Decision first; the event only when allowed. */
  private async registerLink(w: Wallet, bankCode: string): Promise<PlatformEvent | null> {
    const d = await this.api.decide("LINK_REGISTRATION", { accountId: w.accountId, bankCode });
    if (d.decision === "deny") {
      if (d.answered) this.stats.denied.registration++;
      return null;
    }
    const bank = REFERENCE_BANKS.find((b) => b.code === bankCode)!;
    const linkId = this.nextId("lnk");
    w.linkId = linkId;
    w.bankCode = bankCode;
    return {
      id: this.nextId("ev"),
      type: "link.registered",
      occurredAt: now(),
      link: {
        id: linkId,
        accountId: w.accountId,
        bankCode,
        branchCode: String(int(this.rng, 100, 899)),
        accountNumber: String(int(this.rng, 1_000_000, 9_999_999)),
        // A fraudulent wallet links a victim's account: the bank's holder name is someone else's.
        holderName: w.fraud ? this.personName() : w.holderName,
        authMethod: bank.authMethod,
      },
    };
  }

  private async charge(w: Wallet, amountYen: number): Promise<PlatformEvent | null> {
    const d = await this.api.decide("CHARGE", { linkId: w.linkId!, amountYen }, { amountYen, openYenOnLink: w.openYen ?? 0 });
    if (d.answered) w.openYen = 0;
    if (d.decision === "deny") {
      if (d.answered) this.stats.denied.charge++;
      return null;
    }
    if (!d.answered) w.openYen = (w.openYen ?? 0) + amountYen;
    w.balanceYen += amountYen;
    return { id: this.nextId("ev"), type: "charge.completed", occurredAt: now(), charge: { id: this.nextId("chg"), linkId: w.linkId!, amountYen } };
  }

  private spend(w: Wallet, amountYen: number, channel: "payment" | "transfer"): PlatformEvent {
    w.balanceYen = Math.max(0, w.balanceYen - amountYen);
    return {
      id: this.nextId("ev"),
      type: "spend.completed",
      occurredAt: now(),
      spend: { id: this.nextId("spd"), accountId: w.accountId, amountYen, channel, counterparty: channel === "payment" ? pick(this.rng, SHOPS) : "送金" },
    };
  }

  private async changeLink(w: Wallet): Promise<PlatformEvent | null> {
    const bankCode = bankPick(this.rng);
    const d = await this.api.decide("LINK_CHANGE", { linkId: w.linkId!, bankCode });
    if (d.decision === "deny") {
      if (d.answered) this.stats.denied.change++;
      return null;
    }
    const bank = REFERENCE_BANKS.find((b) => b.code === bankCode)!;
    w.bankCode = bankCode;
    return {
      id: this.nextId("ev"),
      type: "link.changed",
      occurredAt: now(),
      link: { id: w.linkId!, bankCode, branchCode: String(int(this.rng, 100, 899)), accountNumber: String(int(this.rng, 1_000_000, 9_999_999)), holderName: w.holderName, authMethod: bank.authMethod },
    };
  }

  /** Setup: honest wallets opened and linked now (one in ten at the attack bank), sent to the console. */
  async setup(count: number): Promise<void> {
    const opened = Array.from({ length: count }, () => this.openAccount(false));
    await this.api.send(opened.map(([, e]) => e));
    const links = await inOrder(
      opened.map(([w], i) => async () => {
        this.honest.push(w);
        const e = await this.registerLink(w, i % 10 === 0 ? this.attackBank : bankPick(this.rng));
        if (e) this.honestLinked.push(w);
        return e;
      }),
    );
    await this.api.send(links);
  }

  /** Events for this second: honest traffic, plus the attack's when the scenario says so. */
  async tick(honestEvents: number, fraudEvents: number): Promise<PlatformEvent[]> {
    const steps: Step[] = [];
    this.honestSteps(steps, honestEvents);
    this.fraudSteps(steps, fraudEvents);
    return inOrder(steps);
  }

  private honestSteps(steps: Step[], honestEvents: number): void {
    const rng = this.rng;
    let honestBudget = honestEvents;
    // Wallets opened last second try to link now (new users link within minutes).
    for (const w of this.awaitingLink.splice(0, Math.max(1, Math.floor(honestBudget / 4)))) {
      steps.push(async () => {
        const e = await this.registerLink(w, chance(rng, 0.1) ? this.attackBank : bankPick(rng));
        if (e) this.honestLinked.push(w);
        return e;
      });
      honestBudget--;
    }
    while (honestBudget > 0) {
      honestBudget--;
      const r = rng();
      if (r < 0.05 || this.honestLinked.length === 0) {
        const [w, e] = this.openAccount(false);
        this.honest.push(w);
        this.awaitingLink.push(w);
        steps.push(async () => e);
      } else if (r < 0.52) {
        const w = pick(rng, this.honestLinked);
        steps.push(() => this.charge(w, honestCharge(rng)));
      } else if (r < 0.99) {
        const w = pick(rng, this.honestLinked);
        steps.push(async () => this.spend(w, int(rng, 1, 200) * 100, chance(rng, 0.9) ? "payment" : "transfer"));
      } else {
        const w = pick(rng, this.honestLinked);
        steps.push(() => this.changeLink(w));
      }
    }
  }

  // The ring: new wallets every second, each links a victim's account at the attacked bank through
  // its PIN-only page, charges near the limits within minutes, and moves the money out.
  private fraudSteps(steps: Step[], fraudEvents: number): void {
    let f = fraudEvents;
    for (const w of this.fraudAwaitingLink.splice(0)) {
      steps.push(async () => {
        const e = await this.registerLink(w, this.attackBank);
        if (e) {
          w.plannedChargesYen = [100_000, 90_000, 90_000, 20_000];
          this.fraudCharging.push(w);
        }
        return e;
      });
      f--;
    }
    for (const w of [...this.fraudCharging]) {
      if (f <= 0) break;
      const amount = w.plannedChargesYen.shift();
      if (amount !== undefined) {
        steps.push(() => this.charge(w, amount));
        f--;
      } else {
        if (w.balanceYen > 0) steps.push(async () => this.spend(w, w.balanceYen, "transfer"));
        this.fraudCharging.splice(this.fraudCharging.indexOf(w), 1);
        f--;
      }
    }
    while (f > 0) {
      const [w, e] = this.openAccount(true);
      this.fraudAwaitingLink.push(w);
      steps.push(async () => e);
      f -= 5; // each new wallet brings a link, charges and a transfer in the following seconds
    }
  }
}
