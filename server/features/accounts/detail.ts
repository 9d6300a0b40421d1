// One account's whole story: profile, every link with its history, charges and spends on one
// timeline, the stored reasons, related accounts and the staff actions taken on it.
import { compareHolderNames, DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import type { StoredReason } from "../../../shared/accounts/schemas.ts";
import { AppError } from "../../../shared/errors.ts";
import { maskAccountNumber } from "../../../shared/format.ts";
import { rows, sql, type Queryable } from "../../db/sql.ts";
import { reviewHolder } from "./review-queue.ts";

/** Timeline entries per account page (newest kept); a wallet with more shows the most recent. */
export const TIMELINE_ENTRIES_MAX = 500;
/** Related accounts listed per kind of link (device, IP address, bank account). */
export const RELATED_PER_KIND_MAX = 50;

export type TimelineEntry =
  | { kind: "opened"; at: Date }
  | { kind: "link"; at: Date; linkId: string; change: boolean; bankCode: string; bankName: string | null; maskedAccountNumber: string; holderName: string }
  | { kind: "charge"; at: Date; chargeId: string; amountYen: number; bankCode: string; maskedAccountNumber: string }
  | { kind: "spend"; at: Date; spendId: string; amountYen: number; channel: "payment" | "transfer"; counterparty: string | null };

export interface RelatedAccount {
  id: string;
  holderName: string;
  score: number;
  status: string;
  reviewLabel: string | null;
  /** what it shares with this account */
  via: string[];
}

export async function getAccount(db: Queryable, accountId: string) {
  const accRows = await rows<{
    id: string;
    holder_name: string;
    carrier_customer: boolean;
    identity_verified: boolean;
    device_id: string | null;
    ip_address: string | null;
    opened_at: Date;
    status: "ACTIVE" | "FROZEN";
    review_label: "CONFIRMED_FRAUD" | "LEGITIMATE" | null;
    risk_score: number;
    risk_reasons: StoredReason[];
    flagged_at: Date | null;
    scored_at: Date | null;
    rule_version: number | null;
  }>(db, sql`SELECT id, holder_name, carrier_customer, identity_verified, device_id, ip_address, opened_at, status::text AS status,
            review_label::text AS review_label, risk_score, risk_reasons, flagged_at, scored_at, rule_version
     FROM wallet_account WHERE id = ${accountId}`);
  const a = accRows[0];
  if (!a) throw new AppError("ACCOUNT_NOT_FOUND", `There is no wallet account ${accountId}.`);

  const linkRows = await rows<{
    id: string;
    bank_code: string;
    bank_name: string | null;
    branch_code: string;
    account_number: string;
    holder_name: string;
    auth_method: string;
    registered_at: Date;
    changed_at: Date | null;
    status: string;
    status_reason: string | null;
  }>(db, sql`SELECT l.id, l.bank_code, b.name AS bank_name, l.branch_code, l.account_number, l.holder_name, l.auth_method::text AS auth_method,
            l.registered_at, l.changed_at, l.status::text AS status, l.status_reason
     FROM bank_link l LEFT JOIN bank b ON b.code = l.bank_code WHERE l.account_id = ${accountId} ORDER BY l.registered_at, l.id`);
  const versionRows = await rows<{
    link_id: string;
    bank_code: string;
    bank_name: string | null;
    branch_code: string;
    account_number: string;
    holder_name: string;
    auth_method: string;
    valid_from: Date;
    valid_to: Date | null;
  }>(db, sql`SELECT v.link_id, v.bank_code, b.name AS bank_name, v.branch_code, v.account_number, v.holder_name, v.auth_method::text AS auth_method,
            v.valid_from, v.valid_to
     FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id LEFT JOIN bank b ON b.code = v.bank_code
     WHERE l.account_id = ${accountId} ORDER BY v.valid_from, v.id`);
  const nameCheck = (holderName: string) => {
    const c = compareHolderNames(holderName, a.holder_name);
    return { relation: c.relation, similarity: c.similarity };
  };
  const links = linkRows.map((l) => ({
    id: l.id,
    bankCode: l.bank_code,
    bankName: l.bank_name,
    branchCode: l.branch_code,
    maskedAccountNumber: maskAccountNumber(l.account_number),
    holderName: l.holder_name,
    nameCheck: nameCheck(l.holder_name),
    authMethod: l.auth_method,
    registeredAt: l.registered_at,
    changedAt: l.changed_at,
    status: l.status,
    statusReason: l.status_reason,
    history: versionRows
      .filter((v) => v.link_id === l.id)
      .map((v) => ({
        bankCode: v.bank_code,
        bankName: v.bank_name,
        maskedAccountNumber: maskAccountNumber(v.account_number),
        holderName: v.holder_name,
        nameCheck: nameCheck(v.holder_name),
        authMethod: v.auth_method,
        validFrom: v.valid_from,
        validTo: v.valid_to,
      })),
  }));

  const charges = await rows<{ id: string; amount_yen: number; occurred_at: Date; bank_code: string; account_number: string }>(db, sql`SELECT id, amount_yen, occurred_at, bank_code, account_number FROM charge WHERE account_id = ${accountId} ORDER BY occurred_at DESC, id DESC LIMIT ${TIMELINE_ENTRIES_MAX}`);
  const spends = await rows<{ id: string; amount_yen: number; occurred_at: Date; channel: "payment" | "transfer"; counterparty: string | null }>(db, sql`SELECT id, amount_yen, occurred_at, channel::text AS channel, counterparty FROM spend WHERE account_id = ${accountId} ORDER BY occurred_at DESC, id DESC LIMIT ${TIMELINE_ENTRIES_MAX}`);
  const timeline: TimelineEntry[] = [
    { kind: "opened", at: a.opened_at },
    ...versionRows.map((v, i): TimelineEntry => ({
      kind: "link",
      at: v.valid_from,
      linkId: v.link_id,
      change: versionRows.findIndex((x) => x.link_id === v.link_id) !== i,
      bankCode: v.bank_code,
      bankName: v.bank_name,
      maskedAccountNumber: maskAccountNumber(v.account_number),
      holderName: v.holder_name,
    })),
    ...charges.map((c): TimelineEntry => ({ kind: "charge", at: c.occurred_at, chargeId: c.id, amountYen: c.amount_yen, bankCode: c.bank_code, maskedAccountNumber: maskAccountNumber(c.account_number) })),
    ...spends.map((s): TimelineEntry => ({ kind: "spend", at: s.occurred_at, spendId: s.id, amountYen: s.amount_yen, channel: s.channel, counterparty: s.counterparty })),
  ];
  // Oldest first: the story reads from opening to cash-out. Ties keep the order of causes.
  const rank = { opened: 0, link: 1, charge: 2, spend: 3 } as const;
  timeline.sort((x, y) => x.at.getTime() - y.at.getTime() || rank[x.kind] - rank[y.kind]);
  const [totals] = await rows<{ charged_yen: number; charges: number; spent_yen: number; spends: number }>(db, sql`SELECT (SELECT coalesce(sum(amount_yen), 0)::bigint FROM charge WHERE account_id = ${accountId}) AS charged_yen,
            (SELECT count(*)::int FROM charge WHERE account_id = ${accountId}) AS charges,
            (SELECT coalesce(sum(amount_yen), 0)::bigint FROM spend WHERE account_id = ${accountId}) AS spent_yen,
            (SELECT count(*)::int FROM spend WHERE account_id = ${accountId}) AS spends`);

  const related = await relatedAccounts(db, accountId);
  const actions = await rows<{ id: string; at: Date; actor_email: string; actor_role: string | null; action: string; reason: string | null }>(db, sql`SELECT id::text AS id, at, actor_email, actor_role::text AS actor_role, action, reason FROM audit_event
     WHERE target_type = 'account' AND target_id = ${accountId} ORDER BY id DESC LIMIT 50`);

  return {
    account: {
      id: a.id,
      holderName: a.holder_name,
      carrierCustomer: a.carrier_customer,
      identityVerified: a.identity_verified,
      hasDevice: a.device_id !== null,
      hasIpAddress: a.ip_address !== null,
      openedAt: a.opened_at,
      status: a.status,
      reviewLabel: a.review_label,
      score: a.risk_score,
      flagged: a.risk_score >= DEFAULT_FLAG_THRESHOLD,
      flaggedAt: a.flagged_at,
      scoredAt: a.scored_at,
      /** The rule version that produced the stored score (null: not scored yet, or by a test's own rule table). */
      ruleVersion: a.scored_at === null ? null : a.rule_version,
    },
    reasons: a.risk_reasons,
    threshold: DEFAULT_FLAG_THRESHOLD,
    links,
    timeline,
    timelineTruncated: charges.length >= TIMELINE_ENTRIES_MAX || spends.length >= TIMELINE_ENTRIES_MAX,
    totals: { chargedYen: totals.charged_yen, charges: totals.charges, spentYen: totals.spent_yen, spends: totals.spends },
    related,
    actions: actions.map((r) => ({ id: r.id, at: r.at, actorEmail: r.actor_email, actorRole: r.actor_role, action: r.action, reason: r.reason })),
    review: await reviewHolder(db, accountId),
  };
}

export type AccountDetail = Awaited<ReturnType<typeof getAccount>>;

/** Accounts sharing this one's device, IP address or a bank account it linked (any version). */
async function relatedAccounts(db: Queryable, accountId: string): Promise<RelatedAccount[]> {
  const found = await rows<{ id: string; holder_name: string; risk_score: number; status: string; review_label: string | null; via: string }>(db, sql`WITH me AS (SELECT device_id, ip_address FROM wallet_account WHERE id = ${accountId}),
     by_device AS (
       SELECT w.id, 'device' AS via FROM wallet_account w, me
       WHERE me.device_id IS NOT NULL AND w.device_id = me.device_id AND w.id <> ${accountId}
       ORDER BY w.risk_score DESC, w.id LIMIT ${RELATED_PER_KIND_MAX}
     ),
     by_ip AS (
       SELECT w.id, 'IP address' AS via FROM wallet_account w, me
       WHERE me.ip_address IS NOT NULL AND w.ip_address = me.ip_address AND w.id <> ${accountId}
       ORDER BY w.risk_score DESC, w.id LIMIT ${RELATED_PER_KIND_MAX}
     ),
     my_bank_accounts AS (
       SELECT DISTINCT v.bank_code, v.branch_code, v.account_number
       FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id WHERE l.account_id = ${accountId}
     ),
     by_bank_account AS (
       SELECT DISTINCT l.account_id AS id, 'bank account ' || m.bank_code || ' ' || overlay(m.account_number placing '****' from 1 for 4) AS via
       FROM my_bank_accounts m
       JOIN bank_link_version v ON v.bank_code = m.bank_code AND v.branch_code = m.branch_code AND v.account_number = m.account_number
       JOIN bank_link l ON l.id = v.link_id
       WHERE l.account_id <> ${accountId}
       LIMIT ${RELATED_PER_KIND_MAX}
     ),
     hits AS (SELECT * FROM by_device UNION ALL SELECT * FROM by_ip UNION ALL SELECT * FROM by_bank_account)
     SELECT w.id, w.holder_name, w.risk_score, w.status::text AS status, w.review_label::text AS review_label,
            string_agg(DISTINCT h.via, ', ') AS via
     FROM hits h JOIN wallet_account w ON w.id = h.id
     GROUP BY w.id ORDER BY w.risk_score DESC, w.id`);
  return found.map((r) => ({ id: r.id, holderName: r.holder_name, score: r.risk_score, status: r.status, reviewLabel: r.review_label, via: r.via.split(", ") }));
}
