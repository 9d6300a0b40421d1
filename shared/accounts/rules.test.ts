import { describe, expect, it } from "vitest";
import {
  DEFAULT_FLAG_THRESHOLD,
  SCORE_MAX,
  SCORING_RULES,
  isFlagged,
  scoreAccount,
  type AccountFacts,
  type ChargeFact,
  type LinkFact,
  type Reason,
  type ReasonCode,
  type SpendFact,
} from "./index.ts";

// ---------- fixtures ----------

const T0 = new Date("2020-09-04T03:00:00Z");
const MIN = 60_000;
/** T0 + minutes */
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const WALLET = "ヤマダ タロウ";

function link(over: Partial<LinkFact> = {}): LinkFact {
  return {
    bankCode: "0125",
    holderName: WALLET,
    registeredAt: at(-300 * 24 * 60),
    authMethod: "ONLINE_BANKING",
    bankWasSpikingAtRegistration: false,
    ...over,
  };
}
const charge = (minutes: number, amountYen: number): ChargeFact => ({ amountYen, occurredAt: at(minutes) });
const spend = (minutes: number, amountYen: number, channel: SpendFact["channel"] = "payment"): SpendFact => ({
  amountYen,
  occurredAt: at(minutes),
  channel,
});

/** A quiet long-standing account on which no rule fires. */
function quiet(over: Partial<AccountFacts> = {}): AccountFacts {
  return {
    account: { openedAt: at(-365 * 24 * 60), holderName: WALLET, carrierCustomer: true, identityVerified: true },
    links: [link()],
    linkChangeCount: 0,
    distinctBankAccountsLinkedWithin24h: 1,
    maxWalletsSharingBankAccount: 1,
    walletsSharingDevice: 1,
    walletsSharingIp: 1,
    charges: [charge(0, 10_000)],
    spends: [spend(120, 3_000)],
    ...over,
  };
}

/** Runs only one rule; returns its reason or undefined. */
function only(code: ReasonCode, facts: AccountFacts, now?: Date): Reason | undefined {
  const rules = SCORING_RULES.filter((r) => r.code === code);
  expect(rules).toHaveLength(1);
  return scoreAccount(facts, rules, now).reasons[0];
}
const points = (code: ReasonCode) => SCORING_RULES.find((r) => r.code === code)!.points;

/** The typical September 2020 fraud wallet. */
function typicalFraud(): AccountFacts {
  return {
    account: { openedAt: at(0), holderName: "ナカムラ ケンジ", carrierCustomer: false, identityVerified: false },
    links: [
      link({ holderName: "ｻﾄｳ ﾊﾅｺ", registeredAt: at(4), authMethod: "PIN", bankWasSpikingAtRegistration: true }),
    ],
    linkChangeCount: 0,
    distinctBankAccountsLinkedWithin24h: 1,
    maxWalletsSharingBankAccount: 1,
    walletsSharingDevice: 4,
    walletsSharingIp: 6,
    charges: [charge(6, 100_000), charge(8, 90_000), charge(10, 90_000), charge(12, 20_000)],
    spends: [spend(14, 150_000, "transfer"), spend(20, 126_000, "transfer"), spend(21, 10_000)],
  };
}

// ---------- baseline ----------

describe("baseline", () => {
  it("a quiet long-standing account scores 0", () => {
    expect(scoreAccount(quiet())).toEqual({ score: 0, reasons: [] });
  });
});

// ---------- each rule at its boundaries ----------

describe("LINK_SOON_AFTER_OPEN", () => {
  const opened = { openedAt: at(0), holderName: WALLET, carrierCustomer: true, identityVerified: true };
  it("fires at 30 min, with the delay in the evidence", () => {
    expect(only("LINK_SOON_AFTER_OPEN", quiet({ account: opened, links: [link({ registeredAt: at(30) })] })))
      .toMatchObject({ points: 10, evidence: "bank 0125 linked 30 min after opening" });
    expect(only("LINK_SOON_AFTER_OPEN", quiet({ account: opened, links: [link({ registeredAt: at(4) })] }))?.evidence)
      .toBe("bank 0125 linked 4 min after opening");
  });
  it("does not fire after 30 min or without links", () => {
    const late = new Date(at(30).getTime() + 1000);
    expect(only("LINK_SOON_AFTER_OPEN", quiet({ account: opened, links: [link({ registeredAt: late })] }))).toBeUndefined();
    expect(only("LINK_SOON_AFTER_OPEN", quiet({ account: opened, links: [] }))).toBeUndefined();
  });
  it("only for links registered in the last 30 days (a years-old account is no newcomer)", () => {
    const f = quiet({ account: opened, links: [link({ registeredAt: at(4) })] });
    expect(only("LINK_SOON_AFTER_OPEN", f, at(4 + 30 * 24 * 60))).toBeDefined();
    expect(only("LINK_SOON_AFTER_OPEN", f, at(4 + 30 * 24 * 60 + 1))).toBeUndefined();
  });
  it("uses the earliest link whatever the input order", () => {
    const links = [link({ registeredAt: at(60 * 24), bankCode: "0001" }), link({ registeredAt: at(5) })];
    expect(only("LINK_SOON_AFTER_OPEN", quiet({ account: opened, links }))?.evidence).toContain("5 min");
  });
});

describe("CHARGE_SOON_AFTER_LINK", () => {
  it("fires weakly when the first charge after a link is within 30 min", () => {
    const r = only("CHARGE_SOON_AFTER_LINK", quiet({ links: [link({ registeredAt: at(0) })], charges: [charge(30, 50_000)] }));
    expect(r).toMatchObject({ points: 5, evidence: "charged ¥50,000 30 min after linking bank 0125" });
  });
  it("gives full points for a charge of ¥90,000 or more within 30 min of linking, naming that charge", () => {
    const l = [link({ registeredAt: at(0) })];
    const r = only("CHARGE_SOON_AFTER_LINK", quiet({ links: l, charges: [charge(2, 5_000), charge(9, 100_000)] }));
    expect(r).toMatchObject({ points: 15, evidence: "charged ¥100,000 9 min after linking bank 0125" });
    expect(only("CHARGE_SOON_AFTER_LINK", quiet({ links: l, charges: [charge(2, 89_999)] }))?.points).toBe(5);
    // a big charge later than 30 min after linking is not "soon"
    expect(only("CHARGE_SOON_AFTER_LINK", quiet({ links: l, charges: [charge(2, 5_000), charge(31, 100_000)] }))?.points).toBe(5);
  });
  it("does not fire one second later", () => {
    const c = { amountYen: 50_000, occurredAt: new Date(at(30).getTime() + 1000) };
    expect(only("CHARGE_SOON_AFTER_LINK", quiet({ links: [link({ registeredAt: at(0) })], charges: [c] }))).toBeUndefined();
  });
});

describe("NAME_MISMATCH / NAME_FAMILY", () => {
  it("mismatch fires for a different holder, naming both and the similarity", () => {
    const r = only("NAME_MISMATCH", quiet({ links: [link({ holderName: "ｻﾄｳ ﾊﾅｺ" })] }));
    expect(r).toMatchObject({ points: 25, evidence: "bank holder ｻﾄｳ ﾊﾅｺ vs wallet ヤマダ タロウ, similarity 0" });
  });
  it("neither fires for the same holder written in half-width or hiragana", () => {
    for (const holderName of ["ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ\u3000たろう", "ヤマダタロウ"]) {
      const f = quiet({ links: [link({ holderName })] });
      expect(only("NAME_MISMATCH", f)).toBeUndefined();
      expect(only("NAME_FAMILY", f)).toBeUndefined();
    }
  });
  it("a shared surname gives the weak family reason, not the mismatch", () => {
    const f = quiet({ links: [link({ holderName: "ヤマダ ハナコ" })] });
    expect(only("NAME_MISMATCH", f)).toBeUndefined();
    const r = only("NAME_FAMILY", f);
    expect(r?.evidence).toBe("bank holder ヤマダ ハナコ vs wallet ヤマダ タロウ: same surname ヤマダ, similarity 50");
    expect(r!.points).toBeLessThan(points("NAME_MISMATCH"));
    expect(scoreAccount(f).score).toBeLessThan(scoreAccount(quiet({ links: [link({ holderName: "スズキ ハナコ" })] })).score);
  });
  it("family is not counted on top of a mismatch on another link", () => {
    const f = quiet({ links: [link({ holderName: "ヤマダ ハナコ" }), link({ holderName: "ｻﾄｳ ﾊﾅｺ", bankCode: "0001" })] });
    const codes = scoreAccount(f).reasons.map((r) => r.code);
    expect(codes).toContain("NAME_MISMATCH");
    expect(codes).not.toContain("NAME_FAMILY");
    const two = quiet({ links: [link({ holderName: "スズキ イチロウ" }), link({ holderName: "ｻﾄｳ ﾊﾅｺ", bankCode: "0001" })] });
    expect(only("NAME_MISMATCH", two)?.evidence).toBe("bank holder ｻﾄｳ ﾊﾅｺ vs wallet ヤマダ タロウ, similarity 0 (2 of 2 links differ)");
  });
});

describe("counts: MANY_BANK_ACCOUNTS, SHARED_BANK_ACCOUNT, SHARED_DEVICE, SHARED_IP", () => {
  const cases: [ReasonCode, keyof AccountFacts, number, string][] = [
    ["MANY_BANK_ACCOUNTS", "distinctBankAccountsLinkedWithin24h", 3, "3 bank accounts linked within 24 h"],
    ["SHARED_BANK_ACCOUNT", "maxWalletsSharingBankAccount", 3, "a linked bank account is shared by 3 wallets"],
    ["SHARED_DEVICE", "walletsSharingDevice", 3, "device shared by 3 wallets"],
    ["SHARED_IP", "walletsSharingIp", 5, "IP address shared by 5 wallets"],
  ];
  for (const [code, field, min, evidence] of cases) {
    it(`${code} fires at ${min} and not at ${min - 1}`, () => {
      expect(only(code, quiet({ [field]: min }))?.evidence).toContain(evidence);
      expect(only(code, quiet({ [field]: min - 1 }))).toBeUndefined();
    });
  }
  it("evidence carries the concrete count", () => {
    expect(only("SHARED_DEVICE", quiet({ walletsSharingDevice: 7 }))?.evidence).toBe("device shared by 7 wallets");
  });
  it("shared IP is weaker than shared device", () => {
    expect(points("SHARED_IP")).toBeLessThan(points("SHARED_DEVICE"));
  });
});

describe("UNVERIFIED_NON_CARRIER", () => {
  it("fires only when neither a carrier customer nor verified", () => {
    const acc = (carrierCustomer: boolean, identityVerified: boolean) =>
      quiet({ account: { ...quiet().account, carrierCustomer, identityVerified } });
    expect(only("UNVERIFIED_NON_CARRIER", acc(false, false))?.points).toBe(5);
    expect(only("UNVERIFIED_NON_CARRIER", acc(true, false))).toBeUndefined();
    expect(only("UNVERIFIED_NON_CARRIER", acc(false, true))).toBeUndefined();
  });
});

describe("NEAR_LIMIT_CHARGES", () => {
  it("fires for two charges at ¥90,000 (90% of the ¥100,000 limit)", () => {
    const r = only("NEAR_LIMIT_CHARGES", quiet({ charges: [charge(0, 90_000), charge(60 * 24, 90_000)] }));
    expect(r?.evidence).toBe("2 charges ≥ ¥90,000 (limit ¥100,000); ¥180,000 charged in 30 days (limit ¥300,000)");
  });
  it("does not fire for one near-limit charge and one just under", () => {
    expect(only("NEAR_LIMIT_CHARGES", quiet({ charges: [charge(0, 90_000), charge(1, 89_999)] }))).toBeUndefined();
  });
  it("fires at ¥270,000 in 30 days from small charges, not at ¥269,999", () => {
    const small = (total: number) => [charge(0, 50_000), charge(60, 50_000), charge(120, total - 100_000)];
    expect(only("NEAR_LIMIT_CHARGES", quiet({ charges: small(270_000) }))).toBeDefined();
    expect(only("NEAR_LIMIT_CHARGES", quiet({ charges: small(269_999) }))).toBeUndefined();
  });
  it("counts only charges in the 30 days up to now", () => {
    const d = 24 * 60;
    const old = quiet({ charges: [charge(-31 * d, 100_000), charge(0, 100_000)] });
    expect(only("NEAR_LIMIT_CHARGES", old, at(0))).toBeUndefined();
    const recent = quiet({ charges: [charge(-29 * d, 100_000), charge(0, 100_000)] });
    expect(only("NEAR_LIMIT_CHARGES", recent, at(0))).toBeDefined();
    expect(only("NEAR_LIMIT_CHARGES", recent, at(-29 * d))).toBeUndefined(); // the second is after now
    expect(only("NEAR_LIMIT_CHARGES", recent)).toBeDefined(); // now defaults to the latest event
  });
});

describe("RAPID_EQUAL_CHARGES", () => {
  it("fires for the 2020 pattern ¥100k, ¥90k, ¥90k, ¥20k within minutes", () => {
    const r = only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 100_000), charge(2, 90_000), charge(6, 90_000), charge(7, 20_000)] }));
    expect(r).toMatchObject({ points: 10, evidence: "3 charges totalling ¥280,000 within 6 min" });
  });
  it("fires when the third charge is exactly 10 min after the first, not one second later", () => {
    expect(only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 50_000), charge(5, 50_000), charge(10, 50_000)] }))).toBeDefined();
    const late = { amountYen: 50_000, occurredAt: new Date(at(10).getTime() + 1000) };
    expect(only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 50_000), charge(5, 50_000), late] }))).toBeUndefined();
  });
  it("needs three charges within 80% of the largest", () => {
    expect(only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 100_000), charge(1, 80_000), charge(2, 80_000)] }))).toBeDefined();
    expect(only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 100_000), charge(1, 79_999), charge(2, 79_999)] }))?.evidence)
      .toBeUndefined();
    expect(only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 100_000), charge(1, 100_000)] }))).toBeUndefined();
  });
  it("ignores small charges (under ¥10,000)", () => {
    expect(only("RAPID_EQUAL_CHARGES", quiet({ charges: [charge(0, 9_999), charge(1, 9_999), charge(2, 9_999)] }))).toBeUndefined();
  });
});

describe("RAPID_CASH_OUT", () => {
  const charged = [charge(0, 100_000), charge(2, 100_000), charge(4, 100_000)];
  it("transfers out within minutes score full points, with share, total and delay", () => {
    const r = only("RAPID_CASH_OUT", quiet({ charges: charged, spends: [spend(10, 200_000, "transfer"), spend(19, 76_000, "transfer")] }));
    expect(r).toMatchObject({ points: 15 });
    expect(r?.evidence).toBe("92% of charged ¥300,000 sent out within 15 min (¥276,000 by transfer, ¥0 by payment)");
  });
  it("payments weigh less than transfers", () => {
    const r = only("RAPID_CASH_OUT", quiet({ charges: charged, spends: [spend(10, 276_000, "payment")] }));
    expect(r?.points).toBe(10);
    expect(r?.evidence).toContain("spent within 6 min");
  });
  it("does not fire below a 70% share", () => {
    expect(only("RAPID_CASH_OUT", quiet({ charges: charged, spends: [spend(10, 210_000, "transfer")] }))).toBeDefined();
    expect(only("RAPID_CASH_OUT", quiet({ charges: charged, spends: [spend(10, 209_999, "transfer")] }))).toBeUndefined();
  });
  it("does not count spends more than 30 min after the latest charge", () => {
    expect(only("RAPID_CASH_OUT", quiet({ charges: charged, spends: [spend(34, 300_000, "transfer")] }))).toBeDefined();
    const late = { amountYen: 300_000, occurredAt: new Date(at(34).getTime() + 1000), channel: "transfer" as const };
    expect(only("RAPID_CASH_OUT", quiet({ charges: charged, spends: [late] }))).toBeUndefined();
  });
  it("ignores small totals (charging at the till), below ¥50,000", () => {
    expect(only("RAPID_CASH_OUT", quiet({ charges: [charge(0, 50_000)], spends: [spend(1, 50_000)] }))).toBeDefined();
    expect(only("RAPID_CASH_OUT", quiet({ charges: [charge(0, 49_999)], spends: [spend(1, 49_999)] }))).toBeUndefined();
  });
});

describe("LINKED_DURING_SPIKE and PIN_ONLY_LINK", () => {
  it("spike fires only for a link registered during the bank's spike", () => {
    const r = only("LINKED_DURING_SPIKE", quiet({ links: [link({ bankWasSpikingAtRegistration: true, registeredAt: at(4) })] }));
    expect(r?.evidence).toBe("bank 0125 was spiking when linked at 2020-09-04 12:04 JST");
    expect(only("LINKED_DURING_SPIKE", quiet())).toBeUndefined();
  });
  it("PIN-only fires for PIN links only", () => {
    expect(only("PIN_ONLY_LINK", quiet({ links: [link({ authMethod: "PIN" })] }))?.evidence).toContain("0125");
    for (const authMethod of ["PIN_OTP", "ONLINE_BANKING", "CASH_CARD"] as const) {
      expect(only("PIN_ONLY_LINK", quiet({ links: [link({ authMethod })] }))).toBeUndefined();
    }
  });
});

// ---------- the rule table's design ----------

describe("rule table", () => {
  it("has one rule per reason code", () => {
    const codes = SCORING_RULES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(14);
  });
  it("no single rule reaches the flag threshold", () => {
    for (const r of SCORING_RULES) expect(r.points, r.code).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
  });
  const pts = (codes: ReasonCode[]) => codes.reduce((a, c) => a + points(c), 0);
  const paymentPoints = SCORING_RULES.find((r) => r.code === "RAPID_CASH_OUT")!.params.paymentPoints;
  const smallChargeSoon = SCORING_RULES.find((r) => r.code === "CHARGE_SOON_AFTER_LINK")!.params.smallPoints;
  it("a newcomer's whole bundle (speed + a small first charge + context + family name + paying at once) stays below", () => {
    const bundle =
      pts(["LINK_SOON_AFTER_OPEN", "UNVERIFIED_NON_CARRIER", "PIN_ONLY_LINK"]) +
      smallChargeSoon +
      pts(["LINKED_DURING_SPIKE", "SHARED_IP", "NAME_FAMILY"]) +
      paymentPoints;
    expect(bundle).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
  });
  it("a newcomer paying from a relative's account under another name, charging a little at once, stays below", () => {
    const bundle =
      pts(["NAME_MISMATCH", "LINK_SOON_AFTER_OPEN", "UNVERIFIED_NON_CARRIER", "PIN_ONLY_LINK", "SHARED_IP"]) + smallChargeSoon;
    expect(bundle).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
  });
  it("a long-standing customer with a business or maiden-name account paying a big purchase at once stays below", () => {
    const bundle = pts(["NAME_MISMATCH", "NEAR_LIMIT_CHARGES", "RAPID_EQUAL_CHARGES", "SHARED_IP"]) + paymentPoints;
    expect(bundle).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
  });
  it("a mismatch with speed and a near-limit first charge is enough, even before any money leaves", () => {
    expect(pts(["NAME_MISMATCH", "LINK_SOON_AFTER_OPEN", "CHARGE_SOON_AFTER_LINK", "UNVERIFIED_NON_CARRIER", "PIN_ONLY_LINK"]))
      .toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });
  it("a long-standing heavy user's whole bundle (money behaviour + context) stays below", () => {
    const bundle = pts([
      "NEAR_LIMIT_CHARGES",
      "RAPID_EQUAL_CHARGES",
      "RAPID_CASH_OUT",
      "UNVERIFIED_NON_CARRIER",
      "PIN_ONLY_LINK",
      "SHARED_IP",
      "NAME_FAMILY",
    ]);
    expect(bundle).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
  });
  it("a name mismatch needs company: mismatch + fast link + context alone stays below", () => {
    expect(pts(["NAME_MISMATCH", "LINK_SOON_AFTER_OPEN", "UNVERIFIED_NON_CARRIER", "PIN_ONLY_LINK"])).toBeLessThan(
      DEFAULT_FLAG_THRESHOLD,
    );
  });
  it("a caller can pass a tuned copy of the table", () => {
    const tuned = SCORING_RULES.map((r) => (r.code === "SHARED_IP" ? { ...r, params: { minWallets: 100 } } : r));
    expect(scoreAccount(quiet({ walletsSharingIp: 50 })).score).toBe(5);
    expect(scoreAccount(quiet({ walletsSharingIp: 50 }), tuned).score).toBe(0);
  });
});

// ---------- whole profiles ----------

describe("profiles at the default threshold", () => {
  it("typical fraud wallet is flagged, capped at 100, with concrete evidence", () => {
    const { score, reasons } = scoreAccount(typicalFraud());
    const raw = reasons.reduce((a, r) => a + r.points, 0);
    expect(raw).toBeGreaterThan(SCORE_MAX);
    expect(score).toBe(SCORE_MAX);
    expect(isFlagged(score)).toBe(true);
    const ev = Object.fromEntries(reasons.map((r) => [r.code, r.evidence]));
    expect(ev.LINK_SOON_AFTER_OPEN).toBe("bank 0125 linked 4 min after opening");
    expect(ev.NAME_MISMATCH).toBe("bank holder ｻﾄｳ ﾊﾅｺ vs wallet ナカムラ ケンジ, similarity 0");
    expect(ev.RAPID_EQUAL_CHARGES).toBe("3 charges totalling ¥280,000 within 4 min");
    expect(ev.RAPID_CASH_OUT).toBe("95% of charged ¥300,000 sent out within 9 min (¥276,000 by transfer, ¥10,000 by payment)");
    expect(ev.SHARED_DEVICE).toBe("device shared by 4 wallets");
    // strongest reason first
    expect(reasons[0].code).toBe("NAME_MISMATCH");
  });

  it("fraud flagged at its first charge: mismatch, linked minutes after opening, ¥100,000 minutes after linking, PIN-only", () => {
    const f = { ...typicalFraud(), walletsSharingDevice: 1, walletsSharingIp: 1, charges: [charge(6, 100_000)], spends: [] };
    f.links = [{ ...f.links[0], bankWasSpikingAtRegistration: false }];
    const r = scoreAccount(f);
    expect(r.score, JSON.stringify(r.reasons)).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });

  it("verified carrier-customer fraud is flagged once it sends the money out", () => {
    const f = {
      ...typicalFraud(),
      account: { ...typicalFraud().account, carrierCustomer: true, identityVerified: true },
      walletsSharingDevice: 1,
      walletsSharingIp: 1,
      links: [link({ holderName: "ｻﾄｳ ﾊﾅｺ", registeredAt: at(4), authMethod: "PIN" })],
      charges: [charge(6, 50_000), charge(7, 50_000), charge(8, 30_000)],
      spends: [spend(14, 130_000, "transfer")],
    };
    const r = scoreAccount(f);
    expect(r.score, JSON.stringify(r.reasons)).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });

  it("a mismatch on a phone shared by several wallets, linked minutes after opening at a PIN-only bank, is flagged before any charge", () => {
    const f = { ...typicalFraud(), walletsSharingIp: 1, charges: [], spends: [] };
    f.links = [{ ...f.links[0], bankWasSpikingAtRegistration: false }];
    const r = scoreAccount(f);
    expect(r.score, JSON.stringify(r.reasons)).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });

  it("fraud without shared device/IP and cashing out by payment is still flagged", () => {
    const f = { ...typicalFraud(), walletsSharingDevice: 1, walletsSharingIp: 1, spends: [spend(14, 280_000, "payment")] };
    expect(scoreAccount(f).score).toBeGreaterThanOrEqual(DEFAULT_FLAG_THRESHOLD);
  });

  const honest: Record<string, AccountFacts> = {
    // Unverified non-carrier newcomer at a PIN-only bank during its spike, links and charges within
    // minutes under their own name, spends part of it at once.
    "new user, own name, fast": {
      ...typicalFraud(),
      account: { ...typicalFraud().account, holderName: "サトウ ハナコ" },
      walletsSharingDevice: 1,
      walletsSharingIp: 1,
      charges: [charge(6, 30_000)],
      spends: [spend(8, 28_000)],
    },
    // Wallet of a son, linked to the mother's account; same home IP as 6 other wallets.
    "family account sharing the surname": quiet({
      account: { openedAt: at(0), holderName: "ヤマダ タロウ", carrierCustomer: false, identityVerified: false },
      links: [link({ holderName: "ﾔﾏﾀﾞ ﾊﾅｺ", registeredAt: at(3), authMethod: "PIN" })],
      maxWalletsSharingBankAccount: 2,
      walletsSharingDevice: 2,
      walletsSharingIp: 7,
      charges: [charge(5, 20_000)],
      spends: [spend(9, 15_000)],
    }),
    // Long-standing, unverified, at a PIN bank, charging to the limit in one sitting and paying a
    // big bill right away.
    "heavy long-standing user at the limits": quiet({
      account: { ...quiet().account, carrierCustomer: false, identityVerified: false },
      links: [link({ authMethod: "PIN" })],
      charges: [charge(0, 100_000), charge(3, 100_000), charge(5, 100_000)],
      spends: [spend(12, 290_000, "transfer")],
    }),
    "office behind one IP": quiet({ walletsSharingIp: 400, walletsSharingDevice: 1 }),
    // Long-standing, verified, charging a little now and then from the account she kept under her
    // maiden name, at a PIN-only bank, home IP shared with her family.
    "bank account under the maiden name, old and slow": quiet({
      account: { ...quiet().account, holderName: "サトウ ハナコ" },
      links: [link({ holderName: "ｽｽﾞｷ ﾊﾅｺ", authMethod: "PIN" })],
      walletsSharingIp: 5,
      charges: [charge(-20 * 24 * 60, 5_000), charge(-9 * 24 * 60, 10_000), charge(0, 3_000)],
    }),
    // Student who opened a wallet and linked a parent's account (other surname), unverified, charging
    // ¥3,000 at once, PIN-only bank, family home IP.
    "newcomer paying from a relative's account under another surname": quiet({
      account: { openedAt: at(0), holderName: "タナカ ユイ", carrierCustomer: false, identityVerified: false },
      links: [link({ holderName: "ｲｼｲ ﾖｼｺ", registeredAt: at(5), authMethod: "PIN" })],
      walletsSharingIp: 6,
      charges: [charge(9, 3_000)],
      spends: [spend(15, 2_500)],
    }),
    // Sole proprietor with the shop's account linked for a year, buying a ¥280,000 machine at once.
    "sole proprietor's business account, big purchase paid at once": quiet({
      links: [link({ holderName: "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ" })],
      charges: [charge(0, 100_000), charge(2, 90_000), charge(3, 90_000)],
      spends: [spend(10, 280_000, "payment")],
    }),
    // Moved to a new bank: second link (own name) registered this week during a spike, charged at once.
    "legitimate link change": quiet({
      links: [link(), link({ bankCode: "0001", registeredAt: at(0), authMethod: "PIN", bankWasSpikingAtRegistration: true })],
      linkChangeCount: 1,
      distinctBankAccountsLinkedWithin24h: 2,
      charges: [charge(2, 50_000)],
      spends: [spend(30, 40_000)],
    }),
  };
  for (const [name, facts] of Object.entries(honest)) {
    it(`honest look-alike not flagged: ${name}`, () => {
      const r = scoreAccount(facts);
      expect(r.reasons.length, name).toBeGreaterThan(0); // really a look-alike: some rules fire
      expect(r.score, JSON.stringify(r.reasons)).toBeLessThan(DEFAULT_FLAG_THRESHOLD);
    });
  }
});

describe("purity", () => {
  it("same facts in any order give the same result, without reading the clock", () => {
    const f = typicalFraud();
    const shuffled = { ...f, charges: [...f.charges].reverse(), spends: [...f.spends].reverse() };
    expect(scoreAccount(shuffled)).toEqual(scoreAccount(f));
    expect(scoreAccount(f)).toEqual(scoreAccount(f));
  });
});
