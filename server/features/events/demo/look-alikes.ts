// Honest wallets that look like fraud, present on purpose, on their own PRNG stream (Simulation.lr,
// so adding them leaves every other decision of a seed as it was): a bank account under another
// name (maiden name, a relative's, a business account, another reading) and honest bursts (a big
// purchase charged near the limits and paid at the till, or money charged and sent on at once).
import { HOUR } from "./clock.ts";
import { K, type Action, type BankAccount, type BankInfo, type Profile, type Wallet } from "./model.ts";
import { ELECTRONICS_AND_GIFT, GIVEN_FEMALE, GIVEN_MALE, SURNAMES, toHalfWidthKatakana } from "./names.ts";
import { chance, int, pick, weighted } from "./prng.ts";
import type { Simulation } from "./simulation.ts";
import type { OtherHolderKind } from "./types.ts";

/** Share of honest wallets whose own account carries another name (see OtherHolderKind). */
export const OTHER_HOLDER_RATE = 0.02;
/** Per wallet, chance of one honest burst in the window: a big purchase charged near the limits and
 * paid at the till, or money charged and sent on at once (rent, an allowance). */
const BURST_RATE: Record<Exclude<Profile, "dormant">, { bigPurchase: number; sendOn: number }> = {
  light: { bigPurchase: 0.006, sendOn: 0.008 },
  regular: { bigPurchase: 0.012, sendOn: 0.014 },
  heavy: { bigPurchase: 0.03, sendOn: 0.03 },
};
const BIG_PURCHASE_PLANS: readonly (readonly number[])[] = [
  [100000, 100000, 100000], [100000, 100000, 60000], [100000, 90000, 90000], [50000, 50000, 50000],
  [30000, 30000, 30000], [100000, 80000], [100000, 50000], [100000], [80000], [60000],
];
const SEND_ON_PLANS: readonly (readonly number[])[] = [[50000], [50000], [100000], [100000], [80000], [60000], [100000, 50000], [100000, 100000], [30000, 30000]];
/** Zengin-style readings a bank may hold for the same surname (中島 ナカジマ/ナカシマ, 山崎 ヤマザキ/ヤマサキ). */
const READING_VARIANTS: Readonly<Record<string, string>> = {
  ナカジマ: "ナカシマ", ヤマザキ: "ヤマサキ", ミヤザキ: "ミヤサキ", ハセガワ: "ハセカワ", ナカガワ: "ナカカワ",
  イシカワ: "イシガワ", タカダ: "タカタ", ウエダ: "ウエタ", コンドウ: "コントウ", オオタ: "オオダ", スガワラ: "スカワラ",
  サクライ: "サクラギ", ツジ: "ツチ", フジタ: "フシタ", ヤマダ: "ヤマタ",
};
/** Parents' and grandparents' generation given names (a carer paying from an elderly relative's account). */
const OLDER_GIVEN = ["ヨシコ", "カズコ", "フミコ", "トシコ", "ミチコ", "ヨシオ", "イサム", "ススム", "ミノル", "シゲル"] as const;
/** [prefix, trade name suffix, followed by the owner's name]: カ) = 株式会社, ユ) = 有限会社. */
const BUSINESS_STYLES: readonly (readonly [string, string, boolean])[] = [
  ["カ)", "ショウジ", false], ["ユ)", "サンギョウ", false], ["", "ショウテン", true], ["", "コウムテン", true], ["", "セッコツイン", true],
];
const BIG_TICKET_SHOPS = [...ELECTRONICS_AND_GIFT, "ニトリ", "大塚家具", "ビックカメラ.com", "ケーズデンキ"] as const;

const SMALL_KANA_LARGE: Readonly<Record<string, string>> = { ァ: "ア", ィ: "イ", ゥ: "ウ", ェ: "エ", ォ: "オ", ッ: "ツ", ャ: "ヤ", ュ: "ユ", ョ: "ヨ" };
/** As a bank file writes a name: half-width kana, small kana written large (ショウジ → ｼﾖｳｼﾞ). */
function toZenginKana(s: string): string {
  return toHalfWidthKatakana([...s].map((c) => SMALL_KANA_LARGE[c] ?? c).join(""));
}

const pickOtherHolderKind = weighted<OtherHolderKind>([
  ["maidenName", 35],
  ["relativeOtherSurname", 25],
  ["businessAccount", 20],
  ["otherOrderOrReading", 20],
]);

function otherSurnameThan(sim: Simulation, s: number): number {
  const o = Math.floor(sim.lr() * SURNAMES.length);
  return o === s ? (o + 1) % SURNAMES.length : o;
}

/** The holder name of an honest customer's own-use account that is not under their wallet name. */
export function otherHolderAccount(sim: Simulation, bank: BankInfo, surname: number, given: string): BankAccount {
  const lr = sim.lr;
  let kind = pickOtherHolderKind(lr);
  if (kind === "maidenName" && !(GIVEN_FEMALE as readonly string[]).includes(given)) kind = "relativeOtherSurname";
  if (kind === "otherOrderOrReading" && !READING_VARIANTS[SURNAMES[surname]] && chance(lr, 0.5)) kind = "businessAccount";
  const s = SURNAMES[surname];
  const space = chance(lr, 0.15) ? "　" : " ";
  let holder: string;
  let holderSurname = surname;
  let ownerGiven = given;
  switch (kind) {
    case "maidenName":
      holderSurname = otherSurnameThan(sim, surname);
      holder = `${SURNAMES[holderSurname]}${space}${given}`;
      break;
    case "relativeOtherSurname":
      holderSurname = otherSurnameThan(sim, surname);
      ownerGiven = pick(lr, chance(lr, 0.5) ? OLDER_GIVEN : [...GIVEN_FEMALE, ...GIVEN_MALE]);
      holder = `${SURNAMES[holderSurname]}${space}${ownerGiven}`;
      break;
    case "businessAccount": {
      const [prefix, trade, withOwner] = pick(lr, BUSINESS_STYLES);
      holder = `${prefix}${s}${trade}${withOwner ? ` ${s} ${given}` : ""}`;
      break;
    }
    case "otherOrderOrReading": {
      const variant = READING_VARIANTS[s];
      holder = variant ? `${variant}${space}${given}` : `${given}${space}${s}`;
      break;
    }
  }
  // bank files mostly carry Zengin half-width kana (no small kana)
  if (kind === "businessAccount" || chance(lr, 0.4)) holder = toZenginKana(holder);
  return sim.newAccount(bank, holderSurname, ownerGiven, holder, kind);
}

/** Honest bursts: a big purchase paid at the till, or money sent on, at a random time in the window. */
export function planBurst(sim: Simulation, t: number, w: Wallet): void {
  if (w.profile === "dormant") return;
  const { lr } = sim;
  const { windowStart, now } = sim.cfg;
  const r = lr();
  const p = BURST_RATE[w.profile];
  const kind = r < p.bigPurchase ? K.BurstPay : r < p.bigPurchase + p.sendOn ? K.BurstSend : null;
  if (kind === null) return;
  const from = Math.max(t + HOUR, windowStart);
  const at = Math.ceil((from + lr() * (now - from)) / 1000) * 1000;
  if (at < now) sim.schedule(at, K.Burst, w, kind);
}

/** A burst begins: its charges a minute or two apart, then the payment or the transfer (action `a`). */
export function startBurst(sim: Simulation, act: Action): void {
  const { lr } = sim;
  const t = act.t;
  const w = act.w!;
  if (!w.link || w.linkedAt >= t) return; // not linked (yet)
  const pay = act.a === K.BurstPay;
  const plan = pick(lr, pay ? BIG_PURCHASE_PLANS : SEND_ON_PLANS);
  let at = t;
  for (let i = 0; i < plan.length; i++) {
    if (i > 0) at += int(lr, 20, 150) * 1000;
    sim.schedule(at, K.BurstCharge, w, plan[i]);
  }
  sim.schedule(at + int(lr, 60, 900) * 1000, act.a as K, w, plan.reduce((x, y) => x + y, 0));
  if (pay) sim.stats.lookAlikes.bigPurchaseBursts++;
  else sim.stats.lookAlikes.chargeAndSendOn++;
}

/** The big purchase, paid at once. */
export function burstPay(sim: Simulation, act: Action): void {
  sim.spend(act.t, act.w!, act.a, "payment", pick(sim.lr, BIG_TICKET_SHOPS));
}

/** The money sent on: to a family member (same surname) or a landlord / friend. */
export function burstSend(sim: Simulation, act: Action): void {
  const { lr } = sim;
  const w = act.w!;
  const s = chance(lr, 0.6) ? w.surname : Math.floor(lr() * SURNAMES.length);
  const g = chance(lr, 0.5) ? pick(lr, GIVEN_FEMALE) : pick(lr, GIVEN_MALE);
  sim.spend(act.t, w, act.a, "transfer", `${SURNAMES[s]} ${g}`);
}
