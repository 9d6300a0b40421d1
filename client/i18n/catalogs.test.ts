// Every English string has its Japanese counterpart with the same placeholders, and every error code
// the server can send has Japanese words (so a Japanese operator never reads a raw English fallback
// for a known code).
import { describe, expect, it } from "vitest";
import { resources } from "./resources.ts";
import { errorsJa } from "./ja/errors.ts";
import type { Catalog } from "./types.ts";
import { allErrorSpecs } from "../../shared/errors.ts";
import { METRIC_LABELS } from "../../shared/volume/types.ts";
import { RANGE_LABELS } from "../../shared/volume/schemas.ts";
import { SCOPE_LABELS } from "../../shared/suspensions/describe.ts";
import { ROLE_LABELS } from "../../shared/auth/roles.ts";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, auditActionKey } from "../../shared/audit/actions.ts";
import { ALARM_EVIDENCE, ALARM_MEASURES } from "../../shared/volume/alarm-types.ts";

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** key → placeholders, plural forms folded into their base key. */
function flatten(c: Catalog, prefix = "", out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const [k, v] of Object.entries(c)) {
    const key = prefix + k;
    if (typeof v === "string") {
      const base = key.replace(PLURAL, "");
      const names = out.get(base) ?? new Set<string>();
      for (const m of v.matchAll(/\{\{\s*([\w.]+)/g)) if (m[1] !== "count") names.add(m[1]!);
      out.set(base, names);
    } else flatten(v, key + ".", out);
  }
  return out;
}

describe("translation catalogs", () => {
  for (const ns of Object.keys(resources.en) as (keyof typeof resources.en)[]) {
    it(`${ns}: Japanese has exactly the English keys, with the same placeholders`, () => {
      const en = flatten(resources.en[ns] as Catalog);
      const ja = flatten(resources.ja[ns] as Catalog);
      expect([...ja.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [key, names] of en) expect([...ja.get(key)!].sort(), key).toEqual([...names].sort());
    });
  }

  it("no Japanese string is left in English", () => {
    const english: string[] = [];
    const walk = (c: Catalog, path: string) => {
      for (const [k, v] of Object.entries(c)) {
        if (typeof v !== "string") walk(v, `${path}.${k}`);
        // Words of three or more Latin letters outside placeholders mean an untranslated sentence.
        else if (/[a-z]{3,}\s+[a-z]{3,}/i.test(v.replace(/\{\{[^}]*\}\}/g, "")) && !/^(English|Floodgate)$/.test(v)) english.push(`${path}.${k}: ${v}`);
      }
    };
    for (const [ns, c] of Object.entries(resources.ja)) walk(c as Catalog, ns);
    expect(english).toEqual([]);
  });

  // The rules' English labels are shared/accounts/labels.ts itself (client/i18n/en/common.ts imports them).
  it("English labels are the shared ones (one label per metric, range, scope and role everywhere)", () => {
    const c = resources.en.common;
    expect(c.metrics).toEqual(METRIC_LABELS);
    expect(c.ranges).toEqual(RANGE_LABELS);
    expect(c.scopeLabels).toEqual(SCOPE_LABELS);
    expect(c.roles).toEqual(ROLE_LABELS);
  });

  it("every error code of the server registries has Japanese words", () => {
    const codes = allErrorSpecs().map((s) => s.code);
    expect(codes.filter((c) => !errorsJa[c])).toEqual([]);
  });

  it("every audit action and kind of target has one label (the Japanese catalog has the same keys, checked above)", () => {
    expect(Object.keys(resources.en.audit.actions).sort()).toEqual(AUDIT_ACTIONS.map(auditActionKey).sort());
    expect(Object.keys(resources.en.audit.targetTypes).sort()).toEqual([...AUDIT_TARGET_TYPES].sort());
  });

  it("every kind of alarm evidence and every measure behind an alarm has words", () => {
    expect(Object.keys(resources.en.alarms.evidence).sort()).toEqual([...ALARM_EVIDENCE].sort());
    expect([...new Set(Object.keys(resources.en.alarms.reasons).map((k) => k.replace(PLURAL, "")))].sort()).toEqual([...ALARM_MEASURES].sort());
  });
});
