// Goal: the audit page's presentation rules: masking, diff, links, CSV safety, Markdown export.
import { describe, expect, it } from "vitest";
import { auditRowsToCsv, diffBeforeAfter, maskFreeText, maskPersonalData, targetHref, timelineToMarkdown } from "./present.ts";

describe("maskPersonalData", () => {
  it("masks account numbers under any account-number key, at any depth, and removes credentials", () => {
    expect(maskPersonalData({ accountNumber: "1234567", lines: [{ account_number: "7654321" }], amountYen: 1234567, passwordHash: "$argon2id$…" })).toEqual({
      accountNumber: "****567",
      lines: [{ account_number: "****321" }],
      amountYen: 1234567,
      passwordHash: "[redacted]",
    });
  });
  it("masks 7-digit runs in free text but not longer numbers", () => {
    expect(maskFreeText("acct 1234567, ref 12345678, ¥1,234,567")).toBe("acct ****567, ref 12345678, ¥1,234,567");
    expect(maskFreeText(null)).toBeNull();
  });
});

describe("diffBeforeAfter", () => {
  it("lists changed fields first, then added, removed and unchanged ones", () => {
    const lines = diffBeforeAfter({ role: "ANALYST", email: "a@x", nested: { n: 1 } }, { role: "MANAGER", email: "a@x", nested: { n: 1, m: 2 }, sessionsEnded: 2 });
    expect(lines.map((l) => [l.path, l.change])).toEqual([
      ["role", "changed"],
      ["nested.m", "added"],
      ["sessionsEnded", "added"],
      ["email", "same"],
      ["nested.n", "same"],
    ]);
  });
  it("shows a creation as added fields only", () => {
    expect(diffBeforeAfter(null, { a: 1 })).toEqual([{ path: "a", before: undefined, after: "1", change: "added" }]);
    expect(diffBeforeAfter(null, null)).toEqual([]);
  });
});

describe("targetHref", () => {
  it("links each target to its page", () => {
    expect(targetHref("bank", "0125")).toBe("/banks/0125");
    expect(targetHref("account", "acc 1")).toBe("/accounts/acc%201");
    expect(targetHref("case", "c-1")).toBe("/compensation/cases/c-1");
    expect(targetHref("link", "lnk-1")).toBe("/accounts?link=lnk-1");
    expect(targetHref("setting", "x")).toBeNull();
  });
});

describe("auditRowsToCsv", () => {
  it("quotes, and neutralises cells a spreadsheet would run as a formula", () => {
    const csv = auditRowsToCsv([
      { id: 1, at: new Date("2026-01-01T00:00:00Z"), actorEmail: "=cmd|'/c calc'!A1", actorRole: "ADMIN", action: "x.y", targetType: "bank", targetId: "0125", reason: 'a, "b"', before: null, after: { v: 1 }, requestId: null, ipAddress: null, hash: "h" },
    ]);
    const line = csv.split("\r\n")[1];
    expect(line).toContain(`'=cmd|'/c calc'!A1`);
    expect(line).toContain(`"a, ""b"""`);
    expect(line).toMatch(/^1,2026-01-01T09:00:00\+09:00,/);
    expect(csv.startsWith("\uFEFFid,at,")).toBe(true);
  });
  it("writes times inside before/after in JST, in the file and on the page", () => {
    const after = { cutoffAt: "2026-12-03T09:00:00.000Z", note: "2026-12-03 is a date, not an instant", n: 3 };
    const csv = auditRowsToCsv([
      { id: 2, at: new Date("2026-12-03T09:00:00Z"), actorEmail: "m@x", actorRole: "MANAGER", action: "x.y", targetType: "bank", targetId: "0125", reason: "r", before: null, after, requestId: null, ipAddress: null, hash: "h" },
    ]);
    expect(csv).toContain('""cutoffAt"":""2026-12-03T18:00:00+09:00""');
    expect(csv).not.toContain("09:00:00.000Z");
    expect(diffBeforeAfter(null, after)).toContainEqual({ path: "cutoffAt", before: undefined, after: "2026-12-03 18:00:00 JST", change: "added" });
    expect(diffBeforeAfter(null, after)).toContainEqual(expect.objectContaining({ path: "note", after: "2026-12-03 is a date, not an instant" }));
  });
});

describe("timelineToMarkdown", () => {
  it("writes the entries oldest first, escapes table characters, and lists compensation totals", () => {
    const md = timelineToMarkdown(
      {
        bankCode: "0125",
        bankName: "The 77 Bank",
        truncated: false,
        entries: [
          { at: new Date("2020-09-05T03:00:00Z"), kind: "SUSPENSION", title: "Suspension: create", detail: "PIN | only", actor: "m@x", auditId: 2 },
          { at: new Date("2020-09-05T01:00:00Z"), kind: "SPIKE_STARTED", title: "Spike began: link registered", detail: null, actor: null, auditId: null },
        ],
        compensation: [{ state: "PAID", caseCount: 3, totalYen: 150000 }],
      },
      new Date("2020-09-06T00:00:00Z"),
    );
    const rows = md.split("\n").filter((l) => l.startsWith("| 2020"));
    expect(rows[0]).toContain("Spike began");
    expect(rows[1]).toContain("PIN \\| only");
    expect(md).toContain("| PAID | 3 | ¥150,000 |");
  });
});
