// bank_link: the queries other features share. A link is written by ingestion (events), marked
// QUARANTINED by suspensions and reviewed by analysts, and read by accounts, compensation and the
// audit trail; the statements more than one of them needs are here, once.
import { quarantineMatchSql } from "../rules-sql.ts";
import { sql, type Sql } from "../sql.ts";

/**
 * Marks QUARANTINED the ACTIVE links (aliased `l`) that a suspension (aliased `s`, with its bank
 * `b`) quarantines now, as the rules compute it (quarantineMatchSql), for the suspensions and links
 * `scope` selects: one set-based UPDATE. The reason names the bank and the cutoff in JST.
 */
export function quarantineLinksSql(scope: Sql): Sql {
  return sql`
    UPDATE bank_link l
    SET status = 'QUARANTINED', status_changed_at = date_trunc('milliseconds', now()), quarantine_suspension_id = s.id::text,
        status_reason = 'Linked at or after the suspension cutoff at ' || b.name || ' (' ||
                        to_char(s.cutoff_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI') || ' JST)'
    FROM suspension s JOIN bank b ON b.code = s.bank_code
    WHERE l.status = 'ACTIVE' AND ${quarantineMatchSql()} AND ${scope}`;
}

/**
 * The holder name the bank gave for this bank account on the most recent link or link version
 * (a scalar subquery; the three arguments are SQL expressions).
 */
export function holderNameSql(bank: Sql, branch: Sql, account: Sql): Sql {
  return sql`(
    SELECT x.holder_name FROM (
      SELECT bl.holder_name, bl.registered_at AS at FROM bank_link bl
       WHERE bl.bank_code = ${bank} AND bl.branch_code = ${branch} AND bl.account_number = ${account}
      UNION ALL
      SELECT v.holder_name, v.valid_from AS at FROM bank_link_version v
       WHERE v.bank_code = ${bank} AND v.branch_code = ${branch} AND v.account_number = ${account}
    ) x ORDER BY x.at DESC LIMIT 1)`;
}
