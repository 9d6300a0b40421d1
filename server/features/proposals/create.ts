// Monitoring proposes (#17): a background job (server/jobs.ts, on the jobs leader, every few
// seconds, right after detection) turns open spikes into proposed suspensions. Per bank incident
// (the bank has open spikes, or its proposal awaits a decision) there is ONE proposal: the partial
// unique index action_proposal_one_open_incident refuses a second, so a rerun, a new leader after
// failover or a second instance running this by hand inserts nothing (ON CONFLICT DO NOTHING).
// Each run:
//   1. closes the incidents that are over: decided, and no spike at the bank is open any more (a
//      new spike after that is a new incident with its own proposal);
//   2. for each bank with open spikes and no open incident, asks the pure rule (shared/proposals/
//      rules.ts: threshold by the bank's link authentication, scopes), takes the cutoff the suspend
//      dialog would suggest and the dialog's preview figures, and inserts the proposal with its
//      audit record (actor "monitoring") in one transaction.
import type { Database } from "../../db/client.ts";
import { query, rows, sql } from "../../db/sql.ts";
import { withTransaction } from "../../db/transaction.ts";
import type { BackgroundJob } from "../../jobs.ts";
import { toJsonSafe } from "../../lib/json.ts";
import { writeAudit, type Actor } from "../audit/write-audit.ts";
import { previewSuspension } from "../suspensions/preview.ts";
import { proposalCutoff, proposalFor, type OpenSpikeFacts } from "../../../shared/proposals/rules.ts";
import type { AlarmStart } from "../../../shared/suspensions/suggest.ts";

/** Who the proposal's audit record names: the detection, not a person. */
export const MONITORING_ACTOR: Actor = { id: null, email: "monitoring", role: null };

export const PROPOSALS_INTERVAL_MS = 3_000;

interface OpenSpikeRow {
  bank_code: string;
  auth_method: string;
  metric: string;
  severity: number;
  started_at: Date;
}

export interface ProposalsRunSummary {
  closed: number;
  created: string[];
}

export async function proposeFromOpenSpikes(db: Database): Promise<ProposalsRunSummary> {
  const closed = await query(db.pool, sql`
    UPDATE action_proposal p SET incident_ended_at = date_trunc('milliseconds', now())
     WHERE p.incident_ended_at IS NULL AND p.status <> 'PENDING'
       AND NOT EXISTS (SELECT 1 FROM spike s WHERE s.bank_code = p.bank_code AND s.ended_at IS NULL)`);

  const open = await rows<OpenSpikeRow>(db.pool, sql`
    SELECT s.bank_code, b.auth_method::text AS auth_method, s.metric::text AS metric, s.severity, s.started_at
      FROM spike s JOIN bank b ON b.code = s.bank_code
     WHERE s.ended_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM action_proposal p WHERE p.bank_code = s.bank_code AND p.incident_ended_at IS NULL)
     ORDER BY s.bank_code, s.started_at`);
  const byBank = new Map<string, { authMethod: string; spikes: OpenSpikeFacts[] }>();
  for (const r of open) {
    const b = byBank.get(r.bank_code) ?? { authMethod: r.auth_method, spikes: [] };
    b.spikes.push({ metric: r.metric, severity: r.severity, startedAt: r.started_at });
    byBank.set(r.bank_code, b);
  }

  const created: string[] = [];
  for (const [bankCode, { authMethod, spikes }] of byBank) {
    const rule = proposalFor(authMethod, spikes);
    if (!rule) continue;
    const [{ now }] = await rows<{ now: Date }>(db.pool, sql`SELECT date_trunc('milliseconds', now()) AS now`);
    // The alarms the suspend dialog's suggestion reads (server/features/suspensions/preview.ts).
    const alarms = await rows<AlarmStart>(db.pool, sql`
      SELECT started_at AS "startedAt", ended_at AS "endedAt", acknowledged_at IS NOT NULL AS acknowledged FROM bank_alarm
       WHERE bank_code = ${bankCode} AND (ended_at IS NULL OR ended_at > ${now}::timestamptz - interval '48 hours')`);
    const cutoff = proposalCutoff(alarms, rule.incidentStartedAt, now);
    const preview = await previewSuspension(db.pool, { bankCodes: [bankCode], scopes: rule.scopes, cutoffAt: cutoff.at });
    const figures = { cutoffAt: preview.cutoffAt, quarantine: preview.quarantine, totals: preview.totals };

    const id = await withTransaction(db.prisma, async (tx) => {
      const inserted = await tx.$queryRaw<{ id: string; created_at: Date }[]>(sql`
        INSERT INTO action_proposal (bank_code, incident_started_at, trigger_metric, trigger_severity, trigger_started_at, auth_method,
                                     threshold, scopes, cutoff_at, cutoff_basis, preview)
        VALUES (${bankCode}, ${rule.incidentStartedAt}, ${rule.trigger.metric}::"VolumeMetric", ${rule.trigger.severity}, ${rule.trigger.startedAt},
                ${authMethod}::"AuthMethod", ${rule.threshold}, ${rule.scopes}::"SuspensionScope"[], ${cutoff.at}, ${cutoff.basis},
                ${JSON.stringify(toJsonSafe(figures))}::jsonb)
        ON CONFLICT (bank_code) WHERE incident_ended_at IS NULL DO NOTHING
        RETURNING id::text, created_at`);
      if (inserted.length === 0) return null; // another run proposed for this incident first
      await writeAudit(tx, MONITORING_ACTOR, {
        action: "proposal.create",
        targetType: "bank",
        targetId: bankCode,
        reason: `Spike at z ${rule.trigger.severity.toFixed(1)} (threshold ${rule.threshold} for ${authMethod} link pages)`,
        after: {
          proposalId: inserted[0].id,
          scopes: rule.scopes,
          cutoffAt: cutoff.at,
          cutoffBasis: cutoff.basis,
          incidentStartedAt: rule.incidentStartedAt,
          trigger: rule.trigger,
          preview: figures,
        },
      });
      return inserted[0].id;
    });
    if (id) created.push(id);
  }
  return { closed: closed.rowCount ?? 0, created };
}

export const proposalsJob: BackgroundJob = {
  name: "proposals.from-spikes",
  intervalMs: PROPOSALS_INTERVAL_MS,
  async run(db) {
    await proposeFromOpenSpikes(db);
  },
};
