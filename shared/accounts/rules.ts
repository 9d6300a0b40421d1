// Explainable risk scoring for wallet accounts (pure, no I/O).
//
// Every rule, weight and threshold lives in SCORING_RULES below (scoring.ts applies it), so an analyst can read (and a
// reviewer can diff) the whole policy in one place, and every point in a score comes with a
// concrete English reason. The server computes AccountFacts per account with set-based SQL and
// stores the result in wallet_account.risk_score / risk_reasons.
//
// Weighting principle: no single rule reaches DEFAULT_FLAG_THRESHOLD, and neither does any honest
// look-alike's whole bundle of signals (checked in rules.test.ts from this table):
// - a newcomer who links and charges a little at once under their own (or a family) name,
//   unverified, at a PIN-only bank during its spike, behind a shared IP, paying with the money at
//   once: speed + context + weak identity;
// - a long-standing heavy user charging at the limits in one sitting and moving it on: money
//   behaviour + context, no speed (their link is old);
// - a customer whose bank account carries another name (maiden name, a relative's or a business
//   account): identity alone, or with a newcomer's small first charge, or with an old link's big
//   purchase paid at once;
// - households/offices behind one IP; people changing their linked account (2 accounts in 24 h).
// A flag needs the combination: a bank holder who is someone else (or a device shared by many
// wallets) with speed (link minutes after opening, a near-limit charge minutes after linking) and
// context, or with money moved out at once, which is what the September 2020 fraud wallets did.

import { formatJst } from "../format.ts";
import { DAY_MS, MINUTE_MS, formatDuration, formatYen, largestRapidEqualGroup, spanMs, sum } from "./rule-measures.ts";
import type { ChargeFact, LinkFact, ReasonCode, RuleHit, ScoringContext, ScoringRule } from "./scoring-types.ts";

/** Per-charge limit at the time of the incident (yen). */
export const CHARGE_LIMIT_PER_CHARGE_YEN = 100_000;
/** Charge limit per month (rolling 30 days here, matching the facts window), in yen. */
export const CHARGE_LIMIT_MONTHLY_YEN = 300_000;
/** Charges and spends in AccountFacts cover this many days before `now`. */
export const FACTS_WINDOW_DAYS = 30;

/** Account score at or above which an account is "flagged" for an analyst. */
export const DEFAULT_FLAG_THRESHOLD = 60;
/** Scores are capped here so a pile-up of signals reads as "certain", not "150". */
export const SCORE_MAX = 100;

interface RuleSpec<P extends Record<string, number>> {
  code: ReasonCode;
  title: string;
  description: string;
  points: number;
  params: P;
  evaluate(ctx: ScoringContext, rule: { points: number; params: P }): RuleHit | null;
}

// Keeps each rule's params typed inside its own evaluate while the table stays one array type.
function defineRule<const P extends Record<string, number>>(spec: RuleSpec<P>): ScoringRule {
  return {
    ...spec,
    evaluate: (ctx, rule) => spec.evaluate(ctx, rule as unknown as { points: number; params: P }),
  };
}

// ---------- the rule table ----------

export const SCORING_RULES: readonly ScoringRule[] = [
  defineRule({
    code: "NAME_MISMATCH",
    title: "Bank holder is someone else",
    description:
      "A linked bank account's holder name is neither the wallet holder's name nor shares its surname. " +
      "The 2020 fraud wallets were opened under made-up names and linked victims' accounts. Honest " +
      "customers do this too (an account kept under a maiden name, a parent's or an elderly relative's " +
      "account, a sole proprietor's business account, a name in another order or reading), so it needs " +
      "speed, money behaviour or shared devices with it to flag.",
    points: 25,
    params: {},
    evaluate(ctx, rule) {
      const hits = ctx.links
        .map((link, i) => ({ link, cmp: ctx.nameComparisons[i] }))
        .filter((x) => x.cmp.relation === "DIFFERENT");
      if (hits.length === 0) return null;
      const worst = hits.reduce((a, b) => (b.cmp.similarity < a.cmp.similarity ? b : a));
      const more = hits.length > 1 ? ` (${hits.length} of ${ctx.links.length} links differ)` : "";
      return {
        points: rule.points,
        evidence:
          `bank holder ${worst.link.holderName} vs wallet ${ctx.facts.account.holderName}, ` +
          `similarity ${worst.cmp.similarity}${more}`,
      };
    },
  }),
  defineRule({
    code: "NAME_FAMILY",
    title: "Bank holder shares only the surname",
    description:
      "A linked bank account belongs to someone with the wallet holder's surname (a parent, spouse or " +
      "child). Common and usually honest, so weak; not counted when a NAME_MISMATCH fired.",
    points: 4,
    params: {},
    evaluate(ctx, rule) {
      if (ctx.nameComparisons.some((c) => c.relation === "DIFFERENT")) return null;
      const i = ctx.nameComparisons.findIndex((c) => c.relation === "FAMILY");
      if (i < 0) return null;
      const cmp = ctx.nameComparisons[i];
      return {
        points: rule.points,
        evidence:
          `bank holder ${ctx.links[i].holderName} vs wallet ${ctx.facts.account.holderName}: ` +
          `same surname ${cmp.sharedSurname}, similarity ${cmp.similarity}`,
      };
    },
  }),
  defineRule({
    code: "LINK_SOON_AFTER_OPEN",
    title: "Bank account linked soon after opening",
    description:
      "The first bank link came within minutes of opening the wallet, and recently (a years-old account " +
      "that once linked fast is no newcomer). Honest new users do this too, so it only adds to identity signals.",
    points: 10,
    params: { withinMinutes: 30, recentDays: FACTS_WINDOW_DAYS },
    evaluate(ctx, rule) {
      const first = ctx.links[0];
      if (first === undefined) return null;
      if (ctx.now.getTime() - first.registeredAt.getTime() > rule.params.recentDays * DAY_MS) return null;
      const delayMs = first.registeredAt.getTime() - ctx.facts.account.openedAt.getTime();
      if (delayMs < 0 || delayMs > rule.params.withinMinutes * MINUTE_MS) return null;
      return {
        points: rule.points,
        evidence: `bank ${first.bankCode} linked ${formatDuration(delayMs)} after opening`,
      };
    },
  }),
  defineRule({
    code: "CHARGE_SOON_AFTER_LINK",
    title: "Charged near the limit soon after linking",
    description:
      "The wallet charged from a bank account within minutes of linking it. New users try the wallet with " +
      "a few thousand yen, so that alone is weak (smallPoints); a charge at or near the per-charge limit " +
      "within minutes of linking is what the 2020 fraud wallets did first.",
    points: 15,
    params: { withinMinutes: 30, largeChargeYen: 90_000, smallPoints: 5 },
    evaluate(ctx, rule) {
      const p = rule.params;
      const windowMs = p.withinMinutes * MINUTE_MS;
      let best: { delayMs: number; link: LinkFact; charge: ChargeFact } | undefined;
      let largest: { delayMs: number; link: LinkFact; charge: ChargeFact } | undefined;
      for (const link of ctx.links) {
        const t = link.registeredAt.getTime();
        const soon = ctx.charges.filter((c) => c.occurredAt.getTime() >= t && c.occurredAt.getTime() - t <= windowMs);
        if (soon.length === 0) continue;
        const first = soon[0];
        const delayMs = first.occurredAt.getTime() - t;
        if (best === undefined || delayMs < best.delayMs) best = { delayMs, link, charge: first };
        const big = soon.reduce((a, c) => (c.amountYen > a.amountYen ? c : a));
        if (largest === undefined || big.amountYen > largest.charge.amountYen) {
          largest = { delayMs: big.occurredAt.getTime() - t, link, charge: big };
        }
      }
      if (best === undefined || largest === undefined) return null;
      const large = largest.charge.amountYen >= p.largeChargeYen;
      const shown = large ? largest : best;
      return {
        points: large ? rule.points : p.smallPoints,
        evidence:
          `charged ${formatYen(shown.charge.amountYen)} ${formatDuration(shown.delayMs)} after ` +
          `linking bank ${shown.link.bankCode}`,
      };
    },
  }),
  defineRule({
    code: "MANY_BANK_ACCOUNTS",
    title: "Several bank accounts linked in a short time",
    description:
      "The wallet linked several different bank accounts within 24 hours (trying victims' accounts). " +
      "One legitimate change (old account → new account) stays below the threshold.",
    points: 15,
    params: { minDistinctAccountsIn24h: 3 },
    evaluate(ctx, rule) {
      const n = ctx.facts.distinctBankAccountsLinkedWithin24h;
      if (n < rule.params.minDistinctAccountsIn24h) return null;
      return {
        points: rule.points,
        evidence: `${n} bank accounts linked within 24 h (${ctx.facts.linkChangeCount} link changes in total)`,
      };
    },
  }),
  defineRule({
    code: "SHARED_BANK_ACCOUNT",
    title: "Bank account linked to several wallets",
    description:
      "One of its bank accounts is linked to several wallets. Two (a parent paying for a child's wallet) " +
      "is common; three or more is less so, but households do it (one parent's account for every child).",
    points: 10,
    params: { minWallets: 3 },
    evaluate(ctx, rule) {
      const n = ctx.facts.maxWalletsSharingBankAccount;
      if (n < rule.params.minWallets) return null;
      return { points: rule.points, evidence: `a linked bank account is shared by ${n} wallets` };
    },
  }),
  defineRule({
    code: "SHARED_DEVICE",
    title: "Device shared by several wallets",
    description:
      "Several wallets were opened or used from one device: a fraud operator's phone. A family may share " +
      "one phone for two wallets, hence the minimum of three.",
    points: 15,
    params: { minWallets: 3 },
    evaluate(ctx, rule) {
      const n = ctx.facts.walletsSharingDevice;
      if (n < rule.params.minWallets) return null;
      return { points: rule.points, evidence: `device shared by ${n} wallets` };
    },
  }),
  defineRule({
    code: "SHARED_IP",
    title: "IP address shared by many wallets",
    description:
      "Many wallets seen from one IP address. Weak: offices, households and carrier NAT share addresses.",
    points: 5,
    params: { minWallets: 5 },
    evaluate(ctx, rule) {
      const n = ctx.facts.walletsSharingIp;
      if (n < rule.params.minWallets) return null;
      return { points: rule.points, evidence: `IP address shared by ${n} wallets` };
    },
  }),
  defineRule({
    code: "UNVERIFIED_NON_CARRIER",
    title: "Not a carrier customer, identity not verified",
    description:
      "Context only: anyone could open such a wallet with a free ID. Never flags an account on its own.",
    points: 5,
    params: {},
    evaluate(ctx, rule) {
      const a = ctx.facts.account;
      if (a.carrierCustomer || a.identityVerified) return null;
      return { points: rule.points, evidence: "not a carrier customer and identity not verified" };
    },
  }),
  defineRule({
    code: "NEAR_LIMIT_CHARGES",
    title: "Charges at or near the limits",
    description:
      "Several charges at or near the per-charge limit, or a 30-day total near the monthly limit. Heavy " +
      "honest users do this too, so it is weak on its own.",
    points: 5,
    params: {
      perChargeLimitYen: CHARGE_LIMIT_PER_CHARGE_YEN,
      monthlyLimitYen: CHARGE_LIMIT_MONTHLY_YEN,
      nearRatio: 0.9,
      minNearLimitCharges: 2,
    },
    evaluate(ctx, rule) {
      const p = rule.params;
      const perChargeFloor = p.perChargeLimitYen * p.nearRatio;
      const near = ctx.charges.filter((c) => c.amountYen >= perChargeFloor);
      const total = sum(ctx.charges.map((c) => c.amountYen));
      const manyNear = near.length >= p.minNearLimitCharges;
      const monthNear = total >= p.monthlyLimitYen * p.nearRatio;
      if (!manyNear && !monthNear) return null;
      return {
        points: rule.points,
        evidence:
          `${near.length} charges ≥ ${formatYen(perChargeFloor)} (limit ${formatYen(p.perChargeLimitYen)}); ` +
          `${formatYen(total)} charged in ${FACTS_WINDOW_DAYS} days (limit ${formatYen(p.monthlyLimitYen)})`,
      };
    },
  }),
  defineRule({
    code: "RAPID_EQUAL_CHARGES",
    title: "Several near-equal charges within minutes",
    description:
      "At least three charges of similar size within a few minutes (2020: ¥100k, ¥90k, ¥90k within " +
      "minutes). Each counted charge is at least equalRatioMin of the largest one in the group. Honest " +
      "customers paying a big purchase beyond the per-charge limit do the same, so it is never enough alone.",
    points: 10,
    params: { windowMinutes: 10, minCharges: 3, equalRatioMin: 0.8, minAmountYen: 10_000 },
    evaluate(ctx, rule) {
      const p = rule.params;
      const group = largestRapidEqualGroup(
        ctx.charges,
        p.windowMinutes * MINUTE_MS,
        p.equalRatioMin,
        p.minAmountYen,
      );
      if (group.length < p.minCharges) return null;
      return {
        points: rule.points,
        evidence:
          `${group.length} charges totalling ${formatYen(sum(group.map((c) => c.amountYen)))} ` +
          `within ${formatDuration(spanMs(group))}`,
      };
    },
  }),
  defineRule({
    code: "RAPID_CASH_OUT",
    title: "Charged money spent or sent out within minutes",
    description:
      "Most of the charged money left the wallet within minutes of being charged. Transfers (money sent " +
      "on) weigh more than payments; small totals are ignored (charging at the till is normal). Honest " +
      "customers also charge to pay a big purchase or to send rent or an allowance at once, so it is " +
      "strong only with an identity signal or speed.",
    points: 15,
    params: { withinMinutes: 30, minShare: 0.7, minChargedYen: 50_000, paymentPoints: 10 },
    evaluate(ctx, rule) {
      const p = rule.params;
      const charged = sum(ctx.charges.map((c) => c.amountYen));
      if (charged < p.minChargedYen) return null;
      const windowMs = p.withinMinutes * MINUTE_MS;
      let quickTransfer = 0;
      let quickPayment = 0;
      let maxDelayMs = 0;
      for (const s of ctx.spends) {
        const t = s.occurredAt.getTime();
        // The latest charge at or before the spend: money "just charged".
        let last: ChargeFact | undefined;
        for (const c of ctx.charges) if (c.occurredAt.getTime() <= t) last = c;
        if (last === undefined) continue;
        const delay = t - last.occurredAt.getTime();
        if (delay > windowMs) continue;
        maxDelayMs = Math.max(maxDelayMs, delay);
        if (s.channel === "transfer") quickTransfer += s.amountYen;
        else quickPayment += s.amountYen;
      }
      const quick = quickTransfer + quickPayment;
      const share = Math.min(1, quick / charged);
      if (share < p.minShare) return null;
      const mostlyTransfer = quickTransfer >= quickPayment;
      return {
        points: mostlyTransfer ? rule.points : p.paymentPoints,
        evidence:
          `${Math.round(share * 100)}% of charged ${formatYen(charged)} ` +
          `${mostlyTransfer ? "sent out" : "spent"} within ${formatDuration(maxDelayMs)} ` +
          `(${formatYen(quickTransfer)} by transfer, ${formatYen(quickPayment)} by payment)`,
      };
    },
  }),
  defineRule({
    code: "LINKED_DURING_SPIKE",
    title: "Linked while the bank was spiking",
    description:
      "A link was registered at a bank while that bank's link/charge volume was spiking (an attack " +
      "under way). Honest customers of that bank link during the spike too, so it is not enough alone.",
    points: 10,
    params: {},
    evaluate(ctx, rule) {
      const hit = ctx.links.find((l) => l.bankWasSpikingAtRegistration);
      if (hit === undefined) return null;
      return {
        points: rule.points,
        evidence: `bank ${hit.bankCode} was spiking when linked at ${formatJst(hit.registeredAt)}`,
      };
    },
  }),
  defineRule({
    code: "PIN_ONLY_LINK",
    title: "Linked through a PIN-only bank page",
    description:
      "The bank's link page asked only for account number, holder name and a 4-digit PIN: the facts " +
      "phishing collected. Weak alone: it describes the bank, not the customer.",
    points: 5,
    params: {},
    evaluate(ctx, rule) {
      const hits = ctx.links.filter((l) => l.authMethod === "PIN");
      if (hits.length === 0) return null;
      const banks = [...new Set(hits.map((l) => l.bankCode))].join(", ");
      return { points: rule.points, evidence: `bank ${banks} linked with account number + PIN only` };
    },
  }),
];
