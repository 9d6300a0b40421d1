// The suspend dialog's preview: per bank, the links a proposed suspension would grandfather or
// quarantine (and how many of them are fraudulent wallets'), the registrations it would refuse, the
// conflicts it would meet and a suggested cutoff from the banks' alarms. Reads only.
import type pg from "pg";
import { fraudulentWalletSql } from "../../db/rules-sql.ts";
import { rows, sql } from "../../db/sql.ts";
import { planSuspensions, type SuspensionLike } from "../../../shared/suspensions/rules.ts";
import { suspensionError } from "../../../shared/suspensions/errors.ts";
import { suggestCutoff, type AlarmStart } from "../../../shared/suspensions/suggest.ts";
import type { SuspensionPreviewInput } from "../../../shared/suspensions/schemas.ts";

export interface BankImpact {
  bankCode: string;
  bankName: string;
  /** The bank's Japanese name when the reference data has one. */
  bankNameJa: string | null;
  /** Links not revoked. */
  totalLinks: number;
  /** ACTIVE links linked before the cutoff: they keep working. */
  grandfathered: number;
  flaggedGrandfathered: number;
  /** ACTIVE links linked at or after the cutoff. Quarantined when quarantine is on. */
  afterCutoff: number;
  flaggedAfterCutoff: number;
  /** Already quarantined by an earlier suspension. */
  alreadyQuarantined: number;
  /** New link registrations in the last 60 minutes (volume_bucket LINK_REGISTERED). */
  registrationsLastHour: number;
}

export async function previewSuspension(pool: pg.Pool, input: SuspensionPreviewInput) {
  const [{ now }] = await rows<{ now: Date }>(pool, sql`SELECT date_trunc('milliseconds', now()) AS now`);
  const existing = await rows<SuspensionLike>(pool, sql`
    SELECT id, bank_code AS "bankCode", scopes::text[] AS scopes, starts_at AS "startsAt", cutoff_at AS "cutoffAt", quarantine, lifted_at AS "liftedAt"
    FROM suspension WHERE bank_code = ANY(${input.bankCodes}::bpchar[]) AND lifted_at IS NULL`);
  const plan = planSuspensions({ ...input, reason: "preview" }, existing, now);
  if (!plan.ok && plan.code === "CUTOFF_AFTER_START") {
    throw suspensionError("CUTOFF_AFTER_START", "The cutoff must not be later than the start.", { field: "cutoffAt" });
  }
  const startsAt = new Date(Math.max((input.startsAt ?? now).getTime(), now.getTime()));
  const cutoffAt = input.cutoffAt ?? startsAt;
  const quarantine = input.quarantine ?? cutoffAt.getTime() < startsAt.getTime();

  const banks = input.bankCodes;
  const impact = await rows<BankImpact>(pool, sql`
    WITH links AS (
      SELECT l.bank_code, l.status, coalesce(l.changed_at, l.registered_at) AS since, ${fraudulentWalletSql("a")} AS flagged
      FROM bank_link l JOIN wallet_account a ON a.id = l.account_id
      WHERE l.bank_code = ANY(${banks}::bpchar[]) AND l.status <> 'REVOKED'
    ), regs AS (
      SELECT bank_code, sum(value) AS n FROM volume_bucket
      WHERE bank_code = ANY(${banks}::bpchar[]) AND metric = 'LINK_REGISTERED' AND bucket_minutes = 5
        AND bucket_start > now() - interval '60 minutes' AND bucket_start <= now()
      GROUP BY bank_code
    )
    SELECT b.code AS "bankCode", b.name AS "bankName", b.name_ja AS "bankNameJa",
           count(l.bank_code)::int AS "totalLinks",
           count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since < ${cutoffAt})::int AS grandfathered,
           count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since < ${cutoffAt} AND l.flagged)::int AS "flaggedGrandfathered",
           count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since >= ${cutoffAt})::int AS "afterCutoff",
           count(*) FILTER (WHERE l.status = 'ACTIVE' AND l.since >= ${cutoffAt} AND l.flagged)::int AS "flaggedAfterCutoff",
           count(*) FILTER (WHERE l.status = 'QUARANTINED')::int AS "alreadyQuarantined",
           coalesce(max(r.n), 0)::int AS "registrationsLastHour"
    FROM bank b
    LEFT JOIN links l ON l.bank_code = b.code
    LEFT JOIN regs r ON r.bank_code = b.code
    WHERE b.code = ANY(${banks}::bpchar[])
    GROUP BY b.code, b.name, b.name_ja ORDER BY b.code`);
  const missing = input.bankCodes.filter((c) => !impact.some((r) => r.bankCode === c));
  if (missing.length) throw suspensionError("UNKNOWN_BANK", `There is no bank with code ${missing.join(", ")}.`, { bankCodes: missing });
  // The banks' alarms (bank_alarm: what the banner and the bank page show), open or ended within two
  // days: the suggested cutoff reaches back to the first of them (shared/suspensions/suggest.ts).
  const alarms = await rows<AlarmStart>(pool, sql`
    SELECT started_at AS "startedAt", ended_at AS "endedAt", acknowledged_at IS NOT NULL AS acknowledged FROM bank_alarm
    WHERE bank_code = ANY(${banks}::bpchar[]) AND (ended_at IS NULL OR ended_at > ${now}::timestamptz - interval '48 hours')`);
  const suggestion = suggestCutoff(alarms, now);

  const refusesRegistrations = input.scopes.includes("REGISTRATION");
  const perBank = impact.map((r) => ({
    ...r,
    toQuarantine: quarantine ? r.afterCutoff : 0,
    flaggedToQuarantine: quarantine ? r.flaggedAfterCutoff : 0,
    expectedRefusedPerHour: refusesRegistrations ? r.registrationsLastHour : 0,
  }));
  const sum = (k: keyof (typeof perBank)[number]) => perBank.reduce((acc, b) => acc + (b[k] as number), 0);
  return {
    startsAt,
    startsNow: startsAt.getTime() === now.getTime(),
    cutoffAt,
    quarantine,
    scopes: input.scopes,
    banks: perBank,
    totals: {
      totalLinks: sum("totalLinks"),
      grandfathered: sum("grandfathered"),
      flaggedGrandfathered: sum("flaggedGrandfathered"),
      afterCutoff: sum("afterCutoff"),
      toQuarantine: sum("toQuarantine"),
      flaggedToQuarantine: sum("flaggedToQuarantine"),
      alreadyQuarantined: sum("alreadyQuarantined"),
      expectedRefusedPerHour: sum("expectedRefusedPerHour"),
    },
    conflicts: plan.ok ? [] : plan.code === "SUSPENSION_CONFLICT" ? plan.conflicts : [],
    /** Earliest start among the banks' alarms (null: none open or recently ended), and which alarms it came from. */
    suggestedCutoff: suggestion?.at ?? null,
    suggestedCutoffBasis: suggestion?.basis ?? null,
  };
}
