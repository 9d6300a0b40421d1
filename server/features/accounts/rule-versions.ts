// Rule versions (#16): list, drafts, activation, rollback, the score bands and per-rule statistics.
// Every change takes a reason and writes its audit record in the same transaction. Activation and
// rollback retire the active version and activate another in one transaction (the partial unique
// index keeps exactly one ACTIVE), then start a bulk rescoring (rescore-job.ts) so every stored score
// moves to the new version; scores say which version produced them (wallet_account.rule_version).
import { DEFAULT_FLAG_THRESHOLD, SCORING_RULES } from "../../../shared/accounts/index.ts";
import {
  DEFAULT_SCORE_BANDS,
  codeDefaults,
  diffVersions,
  effectiveSettings,
  validateBands,
  validateDraft,
  type RuleSettings,
  type RuleVersionState,
  type ScoreBands,
} from "../../../shared/accounts/rule-versions.ts";
import { RING_SETTING_RULES } from "../../../shared/accounts/ring-settings.ts";
import { AppError } from "../../../shared/errors.ts";
import type { Database } from "../../db/client.ts";
import { rows, sql, type Queryable } from "../../db/sql.ts";
import { withTransaction, type Tx } from "../../db/transaction.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { rescoreStatus, startRescoreAll, type RescoreRunStatus } from "./rescore-job.ts";
import { SCORE_BANDS_KEY, parseBands, parseSettings } from "./rule-versions-store.ts";

interface VersionRow {
  id: number;
  state: RuleVersionState;
  settings: unknown;
  note: string;
  based_on: number | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  activated_at: Date | null;
  activated_by: string | null;
  retired_at: Date | null;
  previous_active: number | null;
}

const COLUMNS = sql`id, state, settings, note, based_on, created_by, created_at, updated_at, activated_at, activated_by, retired_at, previous_active`;

export interface RuleVersionView {
  id: number;
  state: RuleVersionState;
  note: string;
  basedOn: number | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  activatedAt: Date | null;
  activatedBy: string | null;
  retiredAt: Date | null;
  previousActive: number | null;
  /** Every rule of the code's catalogue with this version's values (a rule added later: code defaults). */
  settings: RuleSettings;
  /** What differs from the active version. */
  changes: ReturnType<typeof diffVersions>;
  problems: ReturnType<typeof validateDraft>;
}

function view(r: VersionRow, active: RuleSettings): RuleVersionView {
  const stored = parseSettings(r.settings);
  return {
    id: r.id,
    state: r.state,
    note: r.note,
    basedOn: r.based_on,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    activatedAt: r.activated_at,
    activatedBy: r.activated_by,
    retiredAt: r.retired_at,
    previousActive: r.previous_active,
    settings: effectiveSettings(stored),
    changes: diffVersions(active, stored),
    problems: r.state === "DRAFT" ? validateDraft(stored) : [],
  };
}

/** The catalogue (code), every version newest first, the bands and the latest rescoring. */
export async function listRuleVersions(db: Pick<Database, "pool">) {
  const list = await rows<VersionRow>(db.pool, sql`SELECT ${COLUMNS} FROM rule_version ORDER BY id DESC LIMIT 200`);
  const active = list.find((v) => v.state === "ACTIVE");
  const activeSettings = active ? parseSettings(active.settings) : codeDefaults();
  return {
    threshold: DEFAULT_FLAG_THRESHOLD,
    activeId: active?.id ?? null,
    // the rule table's rules, then the ring signals (with each param's range and unit for the editor)
    catalogue: [
      ...SCORING_RULES.map((r) => ({ code: r.code as string, title: r.title, points: r.points, params: { ...r.params }, bounds: null })),
      ...RING_SETTING_RULES.map((r) => ({ code: r.code as string, title: r.title, points: r.points, params: { ...r.params }, bounds: { ...r.bounds } })),
    ],
    versions: list.map((v) => view(v, activeSettings)),
    bands: await readBands(db.pool),
    rescore: await rescoreStatus(db),
  };
}

/** The active version's effective settings (every catalogue rule). */
export async function activeRuleSettings(db: Queryable): Promise<{ versionId: number | null; settings: RuleSettings }> {
  const [v] = await rows<{ id: number; settings: unknown }>(db, sql`SELECT id, settings FROM rule_version WHERE state = 'ACTIVE'`);
  return { versionId: v?.id ?? null, settings: effectiveSettings(v ? parseSettings(v.settings) : codeDefaults()) };
}

async function lockVersion(tx: Tx, id: number): Promise<VersionRow> {
  const [v] = await tx.$queryRaw<VersionRow[]>(sql`SELECT ${COLUMNS} FROM rule_version WHERE id = ${id}::int FOR UPDATE`);
  if (!v) throw new AppError("RULE_VERSION_NOT_FOUND", `There is no rule version ${id}.`);
  return v;
}

async function lockActive(tx: Tx): Promise<VersionRow | null> {
  const [v] = await tx.$queryRaw<VersionRow[]>(sql`SELECT ${COLUMNS} FROM rule_version WHERE state = 'ACTIVE' FOR UPDATE`);
  return v ?? null;
}

/** A new draft, a copy of `basedOn` (default: the active version). */
export async function createDraft(db: Database, actor: Actor, input: { basedOn?: number; reason: string }) {
  return withTransaction(db.prisma, async (tx) => {
    const base = input.basedOn !== undefined ? await lockVersion(tx, input.basedOn) : await lockActive(tx);
    const settings = effectiveSettings(base ? parseSettings(base.settings) : codeDefaults());
    const [created] = await tx.$queryRaw<{ id: number }[]>(sql`
      INSERT INTO rule_version (state, settings, note, based_on, created_by)
      VALUES ('DRAFT', ${JSON.stringify(settings)}::jsonb, ${`Draft from version ${base?.id ?? "code"}`}, ${base?.id ?? null}::int, ${actor.email})
      RETURNING id`);
    await writeAudit(tx, actor, { action: "rules.draft", targetType: "scoring", targetId: `rule_version:${created.id}`, reason: input.reason, after: { versionId: created.id, basedOn: base?.id ?? null } });
    return { versionId: created.id };
  });
}

function refuseInvalid(settings: RuleSettings) {
  const problems = validateDraft(settings);
  if (problems.length > 0) {
    throw new AppError("RULE_DRAFT_INVALID", problems.map((p) => p.message).join(" "), { details: { problems: problems.slice(0, 20) } });
  }
}

/** Replaces a draft's settings (validated; only a DRAFT changes). */
export async function updateDraft(db: Database, actor: Actor, input: { versionId: number; settings: RuleSettings; note?: string; reason: string }) {
  refuseInvalid(input.settings);
  return withTransaction(db.prisma, async (tx) => {
    const v = await lockVersion(tx, input.versionId);
    if (v.state !== "DRAFT") throw new AppError("RULE_VERSION_NOT_DRAFT", `Rule version ${v.id} is ${v.state.toLowerCase()}: only a draft changes. Start a new draft from it.`);
    const before = parseSettings(v.settings);
    const after = effectiveSettings(input.settings);
    await tx.$executeRaw(sql`UPDATE rule_version SET settings = ${JSON.stringify(after)}::jsonb, note = ${input.note ?? v.note}, updated_at = now() WHERE id = ${v.id}::int`);
    const changes = diffVersions(before, after);
    await writeAudit(tx, actor, { action: "rules.updateDraft", targetType: "scoring", targetId: `rule_version:${v.id}`, reason: input.reason, after: { versionId: v.id, changes } });
    return { versionId: v.id, changes };
  });
}

/** A bulk rescoring still running (heartbeat fresh) refuses a switch: its chunks would mix versions. */
async function refuseWhileRescoring(tx: Tx) {
  const [running] = await tx.$queryRaw<{ started_by: string }[]>(sql`
    SELECT started_by FROM rescore_run WHERE finished_at IS NULL AND heartbeat_at >= statement_timestamp() - interval '60 seconds' LIMIT 1`);
  if (running) throw new AppError("RESCORE_ALREADY_RUNNING", `A rescoring started by ${running.started_by} is still running; switch versions when it has finished.`);
}

async function switchActive(tx: Tx, from: VersionRow | null, to: VersionRow, actor: Actor, keepPrevious: boolean) {
  if (from) await tx.$executeRaw(sql`UPDATE rule_version SET state = 'RETIRED', retired_at = now() WHERE id = ${from.id}::int`);
  await tx.$executeRaw(sql`
    UPDATE rule_version SET state = 'ACTIVE', activated_at = now(), activated_by = ${actor.email}, retired_at = NULL,
           previous_active = ${keepPrevious ? sql`previous_active` : sql`${from?.id ?? null}::int`}
    WHERE id = ${to.id}::int`);
}

export interface SwitchResult {
  activeId: number;
  previousId: number | null;
  changes: ReturnType<typeof diffVersions>;
  /** The bulk rescoring started for the new version (null: it could not start, say why in `rescoreError`). */
  rescore: RescoreRunStatus | null;
  rescoreError: string | null;
}

async function rescoreAfterSwitch(db: Database, actor: Actor, reason: string): Promise<Pick<SwitchResult, "rescore" | "rescoreError">> {
  try {
    return { rescore: await startRescoreAll(db, actor, reason), rescoreError: null };
  } catch (err) {
    return { rescore: null, rescoreError: err instanceof AppError ? err.message : "The rescoring could not start; start it from the accounts page." };
  }
}

/** Activates a draft (MANAGER): the active version retires, this one becomes active; then a rescoring. */
export async function activateVersion(db: Database, actor: Actor, input: { versionId: number; reason: string }): Promise<SwitchResult> {
  const switched = await withTransaction(db.prisma, async (tx) => {
    const current = await lockActive(tx);
    const v = await lockVersion(tx, input.versionId);
    if (v.state !== "DRAFT") throw new AppError("RULE_VERSION_NOT_DRAFT", `Rule version ${v.id} is ${v.state.toLowerCase()}: only a draft can be activated (roll back to return to the previous one).`);
    const settings = parseSettings(v.settings);
    refuseInvalid(settings);
    await refuseWhileRescoring(tx);
    await switchActive(tx, current, v, actor, false);
    const changes = diffVersions(current ? parseSettings(current.settings) : codeDefaults(), settings);
    await writeAudit(tx, actor, {
      action: "rules.activate",
      targetType: "scoring",
      targetId: `rule_version:${v.id}`,
      reason: input.reason,
      before: { activeVersion: current?.id ?? null },
      after: { activeVersion: v.id, changes },
    });
    return { activeId: v.id, previousId: current?.id ?? null, changes };
  });
  return { ...switched, ...(await rescoreAfterSwitch(db, actor, input.reason)) };
}

/** Re-activates the version that was active before the current one (MANAGER); then a rescoring. */
export async function rollbackVersion(db: Database, actor: Actor, input: { reason: string }): Promise<SwitchResult> {
  const switched = await withTransaction(db.prisma, async (tx) => {
    const current = await lockActive(tx);
    if (!current || current.previous_active === null) throw new AppError("NO_PREVIOUS_RULE_VERSION", "The active rule version has no earlier version to go back to.");
    const prev = await lockVersion(tx, current.previous_active);
    await refuseWhileRescoring(tx);
    // The restored version keeps its own predecessor: a second rollback goes one step further back.
    await switchActive(tx, current, prev, actor, true);
    const changes = diffVersions(parseSettings(current.settings), parseSettings(prev.settings));
    await writeAudit(tx, actor, {
      action: "rules.rollback",
      targetType: "scoring",
      targetId: `rule_version:${prev.id}`,
      reason: input.reason,
      before: { activeVersion: current.id },
      after: { activeVersion: prev.id, changes },
    });
    return { activeId: prev.id, previousId: current.id, changes };
  });
  return { ...switched, ...(await rescoreAfterSwitch(db, actor, input.reason)) };
}

// ---------- score bands ----------

export async function readBands(db: Queryable): Promise<ScoreBands & { threshold: number }> {
  const [r] = await rows<{ value: unknown }>(db, sql`SELECT value FROM app_setting WHERE key = ${SCORE_BANDS_KEY}`);
  return { ...(r ? parseBands(r.value) : DEFAULT_SCORE_BANDS), threshold: DEFAULT_FLAG_THRESHOLD };
}

/** Sets the bands (MANAGER/ADMIN, reason, audited). Wallets already in the band are not frozen now: only scores entering it. */
export async function setBands(db: Database, actor: Actor, input: ScoreBands & { reason: string }) {
  const bands: ScoreBands = { autoFreeze: input.autoFreeze, freezeFrom: input.freezeFrom };
  const problems = validateBands(bands, DEFAULT_FLAG_THRESHOLD);
  if (problems.length > 0) throw new AppError("VALIDATION_FAILED", problems.join(" "), { details: { field: "freezeFrom" } });
  return withTransaction(db.prisma, async (tx) => {
    const [before] = await tx.$queryRaw<{ value: unknown }[]>(sql`SELECT value FROM app_setting WHERE key = ${SCORE_BANDS_KEY} FOR UPDATE`);
    await tx.$executeRaw(sql`
      INSERT INTO app_setting (key, value, updated_at) VALUES (${SCORE_BANDS_KEY}, ${JSON.stringify(bands)}::jsonb, now())
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`);
    await writeAudit(tx, actor, { action: "rules.setBands", targetType: "setting", targetId: SCORE_BANDS_KEY, reason: input.reason, before: parseBands(before?.value), after: bands });
    return { ...bands, threshold: DEFAULT_FLAG_THRESHOLD };
  });
}

// ---------- per-rule statistics ----------

export interface RuleStat {
  code: string;
  /** Wallets whose stored score includes the rule (each stored score holds a rule at most once). */
  wallets: number;
  /** …of which flagged now. */
  flagged: number;
  /** …of which analysts confirmed as fraud / marked legitimate. */
  confirmedFraud: number;
  legitimate: number;
  /** Points it adds, summed over those wallets. */
  points: number;
}

/** Per rule, over every stored score: how many wallets it hits and how analysts labelled them. */
export async function ruleStats(db: Queryable): Promise<{ scored: number; labelled: number; rules: RuleStat[] }> {
  const th = DEFAULT_FLAG_THRESHOLD;
  const stats = await rows<RuleStat>(db, sql`
    SELECT r.code, count(*)::int AS wallets,
           count(*) FILTER (WHERE w.risk_score >= ${th}::int)::int AS flagged,
           count(*) FILTER (WHERE w.review_label = 'CONFIRMED_FRAUD')::int AS "confirmedFraud",
           count(*) FILTER (WHERE w.review_label = 'LEGITIMATE')::int AS legitimate,
           coalesce(sum(r.points), 0)::int AS points
    FROM wallet_account w
    CROSS JOIN LATERAL jsonb_to_recordset(w.risk_reasons) AS r(code text, points int)
    WHERE w.risk_score > 0
    GROUP BY r.code`);
  const [totals] = await rows<{ scored: number; labelled: number }>(db, sql`
    SELECT count(*) FILTER (WHERE scored_at IS NOT NULL)::int AS scored, count(review_label)::int AS labelled FROM wallet_account`);
  const byCode = new Map(stats.map((s) => [s.code, s]));
  const none = (code: string): RuleStat => ({ code, wallets: 0, flagged: 0, confirmedFraud: 0, legitimate: 0, points: 0 });
  // The rule table's rules in its order, then the ring signals (RING, LOCKSTEP), then any code of an older rule set still stored.
  const codes: string[] = [...SCORING_RULES, ...RING_SETTING_RULES].map((r) => r.code);
  const inTable = new Set(codes);
  return { ...totals, rules: [...codes.map((code) => byCode.get(code) ?? none(code)), ...stats.filter((s) => !inTable.has(s.code))] };
}
