// Holder-name normalisation and comparison (pure, no I/O).
//
// Why: a bank's debit-acceptance page, the wallet sign-up form and our own database all write the
// same person's name differently (half-width ｻﾄｳ ﾊﾅｺ from Zengin-format bank files, full-width
// サトウ ハナコ typed by the user, hiragana, ideographic spaces, middle dots in foreign names).
// Comparing raw strings would call almost every honest customer a "name mismatch", which is the
// strongest fraud signal we have, so every comparison goes through `normalizeHolderName` first.

/** Small kana → large kana. Bank systems (Zengin half-width character set) historically had no
 * small kana except a few, so one side often writes キヤノン where the other writes キャノン. */
const SMALL_TO_LARGE_KANA: Readonly<Record<string, string>> = {
  ァ: "ア", ィ: "イ", ゥ: "ウ", ェ: "エ", ォ: "オ",
  ッ: "ツ", ャ: "ヤ", ュ: "ユ", ョ: "ヨ", ヮ: "ワ",
  // ヵ/ヶ are small forms too; bank files write them large for the same reason.
  ヵ: "カ", ヶ: "ケ",
};

const HIRAGANA_FIRST = 0x3041; // ぁ
const HIRAGANA_LAST = 0x3096; // ゖ
const HIRAGANA_TO_KATAKANA_OFFSET = 0x60; // あ U+3042 → ア U+30A2

/** Exactly the code points JavaScript's `\s` matches (a table test instead of a regular expression per character). */
function isWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Canonical comparison key for a holder name.
 *
 * Steps, in order:
 * 1. NFKC: half-width katakana → full-width (ｻﾄｳ → サトウ, ｶﾞ → ガ), full-width ASCII → ASCII,
 *    U+3000 ideographic space → ASCII space.
 * 2. Hiragana → katakana (さとう → サトウ).
 * 3. Remove all whitespace (ASCII and U+3000) and middle dots (・ U+30FB, ･ U+FF65): their placement
 *    differs between systems and carries no identity.
 * 4. Small kana → large kana (ャ → ヤ, ッ → ツ): see SMALL_TO_LARGE_KANA.
 * 5. Drop long-vowel marks (ー, and the ASCII/Unicode hyphens some bank files use in its place):
 *    bank systems disagree on them (サトー / サト-), so keeping them would turn the same person into
 *    a mismatch. The loss (ユーキ vs ユキ compare equal) is acceptable. A long vowel spelled out
 *    (サトウ vs サトー, オオノ vs オーノ) stays one edit apart: full names compare at about 83, a weak signal
 *    rather than a mismatch, and not collapsed here.
 * 6. Upper-case, so a romanised name compares case-insensitively.
 */
export function normalizeHolderName(name: string): string {
  let out = "";
  for (const ch of name.normalize("NFKC")) {
    const code = ch.codePointAt(0)!;
    let c = ch;
    if (code >= HIRAGANA_FIRST && code <= HIRAGANA_LAST) {
      c = String.fromCodePoint(code + HIRAGANA_TO_KATAKANA_OFFSET);
    }
    if (isWhitespace(code) || c === "・" || c === "･") continue;
    if (c === "ー" || c === "ｰ" || c === "-" || c === "‐" || c === "−" || c === "－") continue;
    out += SMALL_TO_LARGE_KANA[c] ?? c;
  }
  return out.toUpperCase();
}

/** Levenshtein distance over code points (names are short: O(n·m) is fine). */
function levenshtein(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Similarity 0..100 of two holder names: 100 × (1 − Levenshtein / longer length), computed on the
 * normalised full names and rounded to an integer. Two empty names are 100; one empty is 0.
 */
export function nameSimilarity(a: string, b: string): number {
  return similarityOfNormalized(normalizeHolderName(a), normalizeHolderName(b));
}

function similarityOfNormalized(na: string, nb: string): number {
  if (na === nb) return 100;
  const x = Array.from(na);
  const y = Array.from(nb);
  const longer = Math.max(x.length, y.length);
  if (longer === 0) return 100;
  return Math.round(100 * (1 - levenshtein(x, y) / longer));
}

export type NameRelation = "SAME" | "FAMILY" | "DIFFERENT";

/** At or above this similarity two names count as the same person (typos, ヂ/ジ-style variants).
 * Kept high: one changed kana in a 6-kana name is only 83, which is how father ヤマダ タロウ and
 * son ヤマダ ジロウ differ, and they are FAMILY, not SAME. */
export const SAME_NAME_SIMILARITY_MIN = 90;

/** Shared-prefix heuristic for names without a space: at least this many leading kana in common
 * counts as a shared surname. Most katakana surnames are 2–5 kana; 3 avoids most chance matches
 * (サトウ/サトミ share only 2) at the cost of missing 2-kana surnames (イト, オノ) written unspaced. */
export const FAMILY_PREFIX_MIN = 3;

/** Surname = the first whitespace-separated token (after NFKC, so U+3000 counts), normalised.
 * Undefined when the name has no space (we cannot tell where the surname ends). */
export function surnameOf(name: string): string | undefined {
  const tokens = name.normalize("NFKC").trim().split(/\s+/u).filter((t) => t.length > 0);
  if (tokens.length < 2) return undefined;
  const s = normalizeHolderName(tokens[0]);
  return s.length > 0 ? s : undefined;
}

function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export interface NameComparison {
  relation: NameRelation;
  /** 0..100, see nameSimilarity. */
  similarity: number;
  /** The shared surname (normalised) when relation is FAMILY. */
  sharedSurname?: string;
}

/**
 * Relation between two holder names (e.g. bank-account holder vs wallet holder).
 * - SAME: normalised equal, or similarity ≥ SAME_NAME_SIMILARITY_MIN.
 * - FAMILY: same surname but different given name. Surname = first space-separated token when both
 *   names have a space; when only one has a space, the other must start with that surname; when
 *   neither has one, they must share ≥ FAMILY_PREFIX_MIN leading kana (heuristic, see constant).
 * - DIFFERENT: everything else.
 */
export function compareHolderNames(a: string, b: string): NameComparison {
  const na = normalizeHolderName(a);
  const nb = normalizeHolderName(b);
  const similarity = similarityOfNormalized(na, nb);
  if (na === nb || similarity >= SAME_NAME_SIMILARITY_MIN) return { relation: "SAME", similarity };

  const sa = surnameOf(a);
  const sb = surnameOf(b);
  let shared: string | undefined;
  if (sa !== undefined && sb !== undefined) {
    if (sa === sb) shared = sa;
  } else if (sa !== undefined) {
    if (nb.startsWith(sa)) shared = sa;
  } else if (sb !== undefined) {
    if (na.startsWith(sb)) shared = sb;
  } else {
    const xa = Array.from(na);
    const n = commonPrefixLength(xa, Array.from(nb));
    if (n >= FAMILY_PREFIX_MIN) shared = xa.slice(0, n).join("");
  }
  if (shared !== undefined) return { relation: "FAMILY", similarity, sharedSurname: shared };
  return { relation: "DIFFERENT", similarity };
}
