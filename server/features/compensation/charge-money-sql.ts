// What a charge has been paid back, has pending and is still owed: ONE definition, used by the victim
// pages (compensation/victims.ts: summaries and each charge), the likely-victims list
// (accounts/victims.ts) and its per-bank CSV (accounts/export.routes.ts), so they cannot disagree.
//   paid       lines of PAID cases (the bank settled the transfer)
//   pending    lines of REQUESTED or APPROVED cases (asked, approved, or in a batch not yet settled)
//   reimbursed what the victim's bank or another party paid back (charge_reimbursement)
//   owed       amount − paid − pending − reimbursed, never below zero
import { raw, sql, type Sql } from "../../db/sql.ts";

/**
 * `LEFT JOIN LATERAL (…) m ON true` giving m.paid_yen, m.pending_yen, m.reimbursed_yen and
 * m.owed_yen (bigint) for the charge aliased `alias` (our own constant, never input). Index lookups
 * per charge (compensation_line by charge_id, charge_reimbursement by charge_id and party).
 */
export function chargeMoneyJoin(alias: "c" | "p"): Sql {
  const a = raw(alias);
  return sql`
    LEFT JOIN LATERAL (
      SELECT x.paid_yen, x.pending_yen, x.reimbursed_yen,
             GREATEST(0, ${a}.amount_yen - x.paid_yen - x.pending_yen - x.reimbursed_yen)::bigint AS owed_yen
        FROM (SELECT COALESCE(SUM(l.amount_yen) FILTER (WHERE cc.state = 'PAID'), 0)::bigint AS paid_yen,
                     COALESCE(SUM(l.amount_yen) FILTER (WHERE cc.state IN ('REQUESTED', 'APPROVED')), 0)::bigint AS pending_yen,
                     (SELECT COALESCE(SUM(r.amount_yen), 0) FROM charge_reimbursement r WHERE r.charge_id = ${a}.id)::bigint AS reimbursed_yen
                FROM compensation_line l JOIN compensation_case cc ON cc.id = l.case_id
               WHERE l.charge_id = ${a}.id) x
    ) m ON true`;
}
