import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  compareHolderNames,
  FAMILY_PREFIX_MIN,
  nameSimilarity,
  normalizeHolderName,
  SAME_NAME_SIMILARITY_MIN,
  surnameOf,
} from "./names.ts";

describe("normalizeHolderName", () => {
  it("folds half-width katakana (incl. voiced marks) to full-width", () => {
    expect(normalizeHolderName("ｻﾄｳ ﾊﾅｺ")).toBe("サトウハナコ");
    expect(normalizeHolderName("ﾔﾏﾀﾞ ﾀﾛｳ")).toBe("ヤマダタロウ");
    expect(normalizeHolderName("ﾎﾟﾝﾀ")).toBe("ポンタ");
  });
  it("removes ASCII and full-width (U+3000) spaces", () => {
    expect(normalizeHolderName("ヤマダ\u3000タロウ")).toBe("ヤマダタロウ");
    expect(normalizeHolderName("  ヤマダ  タロウ ")).toBe("ヤマダタロウ");
  });
  it("removes middle dots, full- and half-width", () => {
    expect(normalizeHolderName("スミス・ジョン")).toBe("スミスジヨン");
    expect(normalizeHolderName("ｽﾐｽ･ｼﾞｮﾝ")).toBe("スミスジヨン");
  });
  it("maps small kana to large", () => {
    expect(normalizeHolderName("ァィゥェォッャュョヮ")).toBe("アイウエオツヤユヨワ");
    expect(normalizeHolderName("キャノン")).toBe(normalizeHolderName("キヤノン"));
    expect(normalizeHolderName("ハットリ")).toBe("ハツトリ");
  });
  it("drops long-vowel marks (and the hyphens bank files use instead)", () => {
    expect(normalizeHolderName("サトー")).toBe("サト");
    expect(normalizeHolderName("ｻﾄｰ")).toBe("サト");
    expect(normalizeHolderName("サト-")).toBe("サト");
    expect(normalizeHolderName("オーノ ユーキ")).toBe("オノユキ");
  });
  it("converts hiragana to katakana", () => {
    expect(normalizeHolderName("やまだ たろう")).toBe("ヤマダタロウ");
    expect(normalizeHolderName("きゃのん")).toBe("キヤノン");
  });
  it("upper-cases romanised names", () => {
    expect(normalizeHolderName("Yamada Ｔａｒｏ")).toBe("YAMADATARO");
  });
  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."アイウあいｱｲｰー・･ ｯャ\u3000ABab") }), (s) => {
        const once = normalizeHolderName(s);
        expect(normalizeHolderName(once)).toBe(once);
      }),
    );
  });
});

describe("nameSimilarity", () => {
  it("is 100 for the same name written differently", () => {
    expect(nameSimilarity("ｻﾄｳ ﾊﾅｺ", "サトウ\u3000ハナコ")).toBe(100);
    expect(nameSimilarity("さとう はなこ", "サトウ ハナコ")).toBe(100);
  });
  it("is low for unrelated names and in 0..100", () => {
    expect(nameSimilarity("ｻﾄｳ ﾊﾅｺ", "ヤマダ タロウ")).toBe(0);
    expect(nameSimilarity("ヤマダ タロウ", "ヤマダ ハナコ")).toBe(50);
    expect(nameSimilarity("", "")).toBe(100);
    expect(nameSimilarity("ア", "")).toBe(0);
  });
  it("is symmetric and bounded", () => {
    const kana = fc.string({ unit: fc.constantFrom(..."アイウエオカキクケコ "), maxLength: 12 });
    fc.assert(
      fc.property(kana, kana, (a, b) => {
        const s = nameSimilarity(a, b);
        expect(s).toBe(nameSimilarity(b, a));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe("compareHolderNames", () => {
  it("SAME for width/space/kana variants and a small typo in a long name", () => {
    expect(compareHolderNames("ｻﾄｳ ﾊﾅｺ", "サトウ ハナコ").relation).toBe("SAME");
    // 10 kana, one differs: similarity 90
    const typo = compareHolderNames("タカハシ ユウイチロウ", "タカハシ ユウイチロオ");
    expect(typo.similarity).toBe(SAME_NAME_SIMILARITY_MIN);
    expect(typo.relation).toBe("SAME");
  });
  it("FAMILY when only the surname (first token) matches", () => {
    const c = compareHolderNames("ヤマダ ハナコ", "ヤマダ タロウ");
    expect(c).toMatchObject({ relation: "FAMILY", sharedSurname: "ヤマダ" });
    // one changed kana in the given name is still another person (father/son)
    expect(compareHolderNames("ヤマダ タロウ", "ヤマダ ジロウ").relation).toBe("FAMILY");
    expect(compareHolderNames("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ\u3000タロウ").relation).toBe("FAMILY");
  });
  it("DIFFERENT when given names match but surnames do not", () => {
    expect(compareHolderNames("スズキ タロウ", "ヤマダ タロウ").relation).toBe("DIFFERENT");
    expect(compareHolderNames("ｻﾄｳ ﾊﾅｺ", "ヤマダ タロウ").relation).toBe("DIFFERENT");
  });
  it("uses the spaced name's surname when only one name has a space", () => {
    expect(compareHolderNames("ヤマダハナコ", "ヤマダ タロウ").relation).toBe("FAMILY");
    expect(compareHolderNames("ヤマモトハナコ", "ヤマダ タロウ").relation).toBe("DIFFERENT");
  });
  it("falls back to a shared prefix of FAMILY_PREFIX_MIN kana when neither has a space", () => {
    expect(FAMILY_PREFIX_MIN).toBe(3);
    expect(compareHolderNames("ワタナベハナコ", "ワタナベタロウ").relation).toBe("FAMILY");
    expect(compareHolderNames("サトウハナコ", "サトミタロウ").relation).toBe("DIFFERENT"); // 2 only
  });
  it("surnameOf is undefined without a space", () => {
    expect(surnameOf("ヤマダ\u3000タロウ")).toBe("ヤマダ");
    expect(surnameOf("ヤマダタロウ")).toBeUndefined();
  });
});

describe("normalizeHolderName drops exactly what \\s matches", () => {
  // The first version tested each character with /\s/u; the table must drop the same characters.
  const withRegExp = (name: string) =>
    Array.from(name.normalize("NFKC"))
      .filter((c) => !/\s/u.test(c))
      .join("");
  it("agrees with the regular expression on every code point up to U+FFFF", () => {
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const name = `ア${String.fromCharCode(code)}イ`;
      const dropped = withRegExp(name) !== name.normalize("NFKC");
      if (dropped) expect(normalizeHolderName(name)).toBe(normalizeHolderName(withRegExp(name)));
      else expect(normalizeHolderName(name).length).toBeGreaterThanOrEqual(normalizeHolderName(withRegExp(name)).length);
    }
  });
});

describe("identical names (scoring's shortcut skips the comparison for them)", () => {
  it("compare as SAME with similarity 100 and nothing else, whatever the name", () => {
    for (const name of ["ヤマダ タロウ", "ｻﾄｳ ﾊﾅｺ", "", " ", "YAMADA TARO", "やまだ・たろう", "ー"]) {
      expect(compareHolderNames(name, name)).toEqual({ relation: "SAME", similarity: 100 });
    }
  });
});
