// The ring view of one wallet (the account page): the wallets connected to it over devices, IP
// addresses and bank accounts, hop by hop (a few set-based statements per hop, never one per wallet),
// with each wallet's state and each shared thing's counts. A thing shared by more wallets than its
// kind's hub limit (the same limits as the ring points: the active rule version's RING settings, the
// code's when RING is off there; shared/accounts/ring.ts) is listed with its
// count but not followed: behind it are a university's or a carrier's customers, not a ring.
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import { DEFAULT_RING_PARAMS, shownKey, type RingParams, type SharedKind } from "../../../shared/accounts/ring.ts";
import { scoringPolicy } from "./rule-versions-store.ts";
import type { RingView, RingViewInput } from "../../../shared/accounts/schemas.ts";
import { AppError } from "../../../shared/errors.ts";
import { rows, sql, type Queryable } from "../../db/sql.ts";

/** Wallets shown at most (the closest first); a bigger ring says it was cut. */
export const RING_VIEW_WALLETS_MAX = 300;

interface ThingRow {
  kind: SharedKind;
  key: string;
  wallets: number;
  ids: string[] | null;
}

/** Every device, IP address and bank account of `ids`, with its wallet count and (below the hub limit) its wallets. */
function thingsOf(ids: readonly string[], p: RingParams["maxWallets"]) {
  return sql`
    WITH me AS (SELECT id, device_id, ip_address FROM wallet_account WHERE id = ANY(${[...ids]}::text[])),
    dev AS (
      SELECT 'DEVICE' AS kind, w.device_id AS key, count(*)::int AS wallets, CASE WHEN count(*) <= ${p.DEVICE}::int THEN array_agg(w.id ORDER BY w.id) END AS ids
      FROM wallet_account w WHERE w.device_id IN (SELECT device_id FROM me WHERE device_id IS NOT NULL) GROUP BY w.device_id HAVING count(*) >= 2
    ),
    ip AS (
      SELECT 'IP' AS kind, w.ip_address AS key, count(*)::int AS wallets, CASE WHEN count(*) <= ${p.IP}::int THEN array_agg(w.id ORDER BY w.id) END AS ids
      FROM wallet_account w WHERE w.ip_address IN (SELECT ip_address FROM me WHERE ip_address IS NOT NULL) GROUP BY w.ip_address HAVING count(*) >= 2
    ),
    acct AS (
      SELECT DISTINCT v.bank_code, v.branch_code, v.account_number FROM bank_link l JOIN bank_link_version v ON v.link_id = l.id
      WHERE l.account_id = ANY(${[...ids]}::text[])
    ),
    acct_w AS (
      SELECT 'BANK_ACCOUNT' AS kind, a.bank_code || '-' || a.branch_code || '-' || a.account_number AS key, count(DISTINCT l.account_id)::int AS wallets,
             CASE WHEN count(DISTINCT l.account_id) <= ${p.BANK_ACCOUNT}::int THEN array_agg(DISTINCT l.account_id) END AS ids
      FROM acct a JOIN bank_link_version v ON v.bank_code = a.bank_code AND v.branch_code = a.branch_code AND v.account_number = a.account_number
      JOIN bank_link l ON l.id = v.link_id
      GROUP BY a.bank_code, a.branch_code, a.account_number HAVING count(DISTINCT l.account_id) >= 2
    )
    SELECT kind, key, wallets, ids FROM dev UNION ALL SELECT kind, key, wallets, ids FROM ip UNION ALL SELECT kind, key, wallets, ids FROM acct_w`;
}

export async function ringView(db: Queryable, input: RingViewInput): Promise<RingView> {
  const hops = input.hops ?? 2;
  const exists = await rows<{ id: string }>(db, sql`SELECT id FROM wallet_account WHERE id = ${input.accountId}`);
  if (exists.length === 0) throw new AppError("ACCOUNT_NOT_FOUND", `There is no wallet account ${input.accountId}.`);

  const hopOf = new Map<string, number>([[input.accountId, 0]]);
  const viaOf = new Map<string, { kind: SharedKind; key: string; from: string }>();
  const things = new Map<string, ThingRow & { hop: number }>();
  let frontier = [input.accountId];
  let cut = false;
  const limits = ((await scoringPolicy(db)).ring.ring ?? DEFAULT_RING_PARAMS).maxWallets;
  for (let hop = 1; hop <= hops && frontier.length > 0 && !cut; hop++) {
    const found = await rows<ThingRow>(db, thingsOf(frontier, limits));
    const next: string[] = [];
    const inFrontier = new Set(frontier);
    for (const t of found.sort((a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key))) {
      const k = `${t.kind}|${t.key}`;
      if (!things.has(k)) things.set(k, { ...t, hop });
      for (const id of t.ids ?? []) {
        if (hopOf.has(id)) continue;
        if (hopOf.size >= RING_VIEW_WALLETS_MAX) {
          cut = true;
          break;
        }
        hopOf.set(id, hop);
        viaOf.set(id, { kind: t.kind, key: t.key, from: (t.ids ?? []).find((x) => inFrontier.has(x)) ?? input.accountId });
        next.push(id);
      }
    }
    frontier = next;
  }

  const ids = [...hopOf.keys()];
  const states = await rows<{ id: string; holder_name: string; status: "ACTIVE" | "FROZEN"; review_label: "CONFIRMED_FRAUD" | "LEGITIMATE" | null; risk_score: number }>(
    db,
    sql`SELECT id, holder_name, status::text AS status, review_label::text AS review_label, risk_score FROM wallet_account WHERE id = ANY(${ids}::text[])`,
  );
  const stateOf = new Map(states.map((s) => [s.id, s]));
  const wallets = ids
    .map((id) => {
      const s = stateOf.get(id)!;
      const via = viaOf.get(id);
      return {
        id,
        holderName: s.holder_name,
        hops: hopOf.get(id)!,
        status: s.status,
        reviewLabel: s.review_label,
        riskScore: s.risk_score,
        flagged: s.risk_score >= DEFAULT_FLAG_THRESHOLD,
        via: via ? { kind: via.kind, shown: shownKey(via.kind, via.key), from: via.from } : null,
      };
    })
    .sort((a, b) => a.hops - b.hops || b.riskScore - a.riskScore || a.id.localeCompare(b.id));

  const thingList = [...things.values()].map((t) => {
    const members = (t.ids ?? []).map((id) => stateOf.get(id)).filter((s) => s !== undefined);
    return {
      kind: t.kind,
      shown: shownKey(t.kind, t.key),
      hop: t.hop,
      wallets: t.wallets,
      hub: t.ids === null,
      flagged: members.filter((s) => s.risk_score >= DEFAULT_FLAG_THRESHOLD).length,
      confirmed: members.filter((s) => s.review_label === "CONFIRMED_FRAUD").length,
      legitimate: members.filter((s) => s.review_label === "LEGITIMATE").length,
      frozen: members.filter((s) => s.status === "FROZEN").length,
    };
  });
  const others = wallets.filter((w) => w.hops > 0);
  return {
    accountId: input.accountId,
    hops,
    wallets,
    things: thingList.sort((a, b) => a.hop - b.hop || Number(a.hub) - Number(b.hub) || b.flagged - a.flagged || a.shown.localeCompare(b.shown)),
    counts: {
      wallets: others.length,
      flagged: others.filter((w) => w.flagged).length,
      frozen: others.filter((w) => w.status === "FROZEN").length,
      confirmed: others.filter((w) => w.reviewLabel === "CONFIRMED_FRAUD").length,
      legitimate: others.filter((w) => w.reviewLabel === "LEGITIMATE").length,
    },
    cut,
  };
}
