// Pure presentation rules for audit records, used by the server (masking, CSV) and the client
// (diff, links, Markdown): no I/O here.
import { formatJst, formatYen, maskAccountNumber } from "../format.ts";
import { csvDocument, isoJst } from "../csv.ts";
import type { AuditRowView, BankTimeline } from "./schemas.ts";

const ACCOUNT_NUMBER_KEY = /account.?number/i;
const SECRET_KEY = /^(password|passwordhash|password_hash|token|tokenhash|token_hash|secret|keyhash|key_hash)$/i;
// A standalone 7-digit run is what a Japanese bank account number looks like.
const ACCOUNT_NUMBER_IN_TEXT = /(?<![\d])\d{7}(?![\d])/g;

/**
 * Before/after values as every role sees them: account numbers masked (no audit-page task needs the
 * full number; the payout export is where it appears), and anything that looks like a credential
 * removed (none is ever written, this is defence in depth).
 */
export function maskPersonalData(value: unknown, key = ""): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_KEY.test(key)) return "[redacted]";
  if (typeof value === "string") return ACCOUNT_NUMBER_KEY.test(key) ? maskAccountNumber(value) : value;
  if (typeof value === "number" && ACCOUNT_NUMBER_KEY.test(key)) return maskAccountNumber(String(value));
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, key));
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskPersonalData(v, k)]));
  }
  return value;
}

/** Free text (reasons) typed by staff may hold an account number: mask 7-digit runs. */
export function maskFreeText(text: string | null): string | null {
  return text === null ? null : text.replace(ACCOUNT_NUMBER_IN_TEXT, (m) => maskAccountNumber(m));
}

// An instant as JSON writes it (Date.toJSON, or Prisma's): "2026-12-03T09:00:00.000Z" or with an offset.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** "2026-12-03 18:00:05 JST": how a detail value that is a time reads on the audit page. */
export function jstDetailTime(at: Date): string {
  return `${isoJst(at).slice(0, 19).replace("T", " ")} JST`;
}

/**
 * Before/after values with every time written in JST: records store instants as UTC ISO text,
 * which a person in Japan would have to convert in their head.
 */
export function jstTimesIn(value: unknown, format: (at: Date) => string = jstDetailTime): unknown {
  if (typeof value === "string") {
    if (!ISO_INSTANT.test(value)) return value;
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? value : format(at);
  }
  if (Array.isArray(value)) return value.map((v) => jstTimesIn(v, format));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jstTimesIn(v, format)]));
  }
  return value instanceof Date ? format(value) : value;
}

export interface DiffLine {
  path: string;
  before: string | undefined;
  after: string | undefined;
  change: "added" | "removed" | "changed" | "same";
}

function flatten(value: unknown, prefix: string, out: Map<string, string>) {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (value === undefined) return;
  out.set(prefix || "(value)", typeof value === "string" ? value : JSON.stringify(value));
}

/** Before/after as one line per field, changed fields first, in a stable order. */
export function diffBeforeAfter(before: unknown, after: unknown): DiffLine[] {
  const b = new Map<string, string>();
  const a = new Map<string, string>();
  // A record without a before (a creation) or an after (a removal) has null there: nothing to list.
  if (before !== null) flatten(jstTimesIn(before), "", b);
  if (after !== null) flatten(jstTimesIn(after), "", a);
  const paths = [...new Set([...b.keys(), ...a.keys()])].sort();
  const lines = paths.map((path): DiffLine => {
    const bv = b.get(path);
    const av = a.get(path);
    const change = bv === undefined ? "added" : av === undefined ? "removed" : bv === av ? "same" : "changed";
    return { path, before: bv, after: av, change };
  });
  const rank = { changed: 0, added: 1, removed: 2, same: 3 } as const;
  return lines.sort((x, y) => rank[x.change] - rank[y.change] || x.path.localeCompare(y.path));
}

/** Where a target lives in the console, or null when it has no page. */
export function targetHref(targetType: string, targetId: string): string | null {
  const id = encodeURIComponent(targetId);
  switch (targetType) {
    case "bank":
      return `/banks/${id}`;
    case "account":
      return `/accounts/${id}`;
    case "case":
      return `/compensation/cases/${id}`;
    case "link":
      return `/accounts?link=${id}`;
    default:
      return null;
  }
}

// "at" is the instant in JST with its offset (2026-12-03T18:00:00+09:00): one column a person in
// Japan reads and a program parses. Times inside before/after are written the same way.
export const AUDIT_CSV_COLUMNS = ["id", "at", "actor_email", "actor_role", "action", "target_type", "target_id", "reason", "before", "after", "request_id", "hash"] as const;

/** The one CSV writer (shared/csv.ts): BOM, quoting, formula neutralising, JST times. */
export function auditRowsToCsv(rows: AuditRowView[]): string {
  return csvDocument(
    AUDIT_CSV_COLUMNS,
    rows.map((r) => [r.id, r.at, r.actorEmail, r.actorRole, r.action, r.targetType, r.targetId, r.reason, jstTimesIn(r.before ?? null, isoJst), jstTimesIn(r.after ?? null, isoJst), r.requestId, r.hash]),
  );
}

function mdEscape(s: string): string {
  return s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

/** The incident timeline of one bank as Markdown, for the incident report. */
export function timelineToMarkdown(t: BankTimeline, generatedAt: Date): string {
  const out: string[] = [];
  out.push(`# Incident timeline: ${mdEscape(t.bankName)} (${t.bankCode})`, "");
  out.push(`Generated ${formatJst(generatedAt)} from the audit log and detected spikes.`, "");
  out.push("| Time (JST) | Event | Detail | By |", "| --- | --- | --- | --- |");
  const chronological = [...t.entries].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  for (const e of chronological) {
    out.push(`| ${formatJst(e.at)} | ${mdEscape(e.title)} | ${e.detail ? mdEscape(e.detail) : ""} | ${e.actor ? mdEscape(e.actor) : ""} |`);
  }
  if (chronological.length === 0) out.push("| | Nothing recorded for this bank yet | | |");
  if (t.truncated) out.push("", "_Older audit entries were left out; see the audit log for the full record._");
  out.push("", "## Compensation", "");
  if (t.compensation.length === 0) out.push("No compensation cases for victims at this bank.");
  else {
    out.push("| State | Cases | Total |", "| --- | ---: | ---: |");
    for (const c of t.compensation) out.push(`| ${c.state} | ${c.caseCount} | ${formatYen(c.totalYen)} |`);
  }
  return out.join("\n") + "\n";
}
