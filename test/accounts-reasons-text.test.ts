// Goal: a rescoring sends back only the wallets whose result changed, judged in JavaScript by
// comparing the new reasons, printed as PostgreSQL prints jsonb (reasonsJsonbText), with the stored
// `risk_reasons::text`. A difference in form alone would only cost a row sent; this keeps the
// printing exact (quotes, backslashes, control characters, Japanese, emoji, empty lists) against a
// real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/db.ts";
import type { Database } from "../server/db/client.ts";
import { reasonsJsonbText } from "../server/features/accounts/scoring.ts";
import type { Reason } from "../shared/accounts/index.ts";

let t: { db: Database; drop(): Promise<void> };
beforeAll(async () => {
  t = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

const cases: Reason[][] = [
  [],
  [{ code: "NAME_MISMATCH", points: 40, evidence: "link holder ヤマダ タロウ ≠ wallet holder スズキ ハナコ" }],
  [
    { code: "RING", points: 35, evidence: 'shares a phone ("dev-1") with 3 other wallets\\, 2 flagged' },
    { code: "LOCKSTEP", points: 30, evidence: "tab\there, newline\nthere, bell\u0007, nul-free \u001f, emoji 🙂, slash / and \u2028" },
  ],
  [{ code: "NAME_MISMATCH", points: 0, evidence: "" }],
];

describe("reasonsJsonbText", () => {
  it.each(cases.map((c, i) => [i, c] as const))("case %i prints as PostgreSQL prints the same jsonb", async (_i, reasons) => {
    const { rows } = await t.db.pool.query<{ text: string }>("SELECT $1::jsonb::text AS text", [JSON.stringify(reasons)]);
    expect(reasonsJsonbText(reasons)).toBe(rows[0].text);
  });
});
