// The accounts whose scores a change can move besides its own (those sharing a device, an IP
// address or a bank account with it), and the after-commit rescoring of them all.
import type { Database } from "../../db/client.ts";
import { rows, sql } from "../../db/sql.ts";
import { withPoolTransaction } from "../../db/transaction.ts";
import { add, rescoreAccounts, type RescoreOptions, type RescoreResult } from "./scoring.ts";
import { KnownNeighbourhood, ownFlagSql, ringNeighbourIds } from "./scoring-ring.ts";
import { DEFAULT_FLAG_THRESHOLD } from "../../../shared/accounts/index.ts";
import { ringSettingsOf, scoringPolicy } from "./rule-versions-store.ts";
import { phaseTimer } from "./phase-timings.ts";

/**
 * A device, IP address or bank account shared by more wallets than this is not expanded when one
 * of them changes: every sharing rule's minimum is far below it, so one more member changes only
 * the count quoted in the evidence, not any score (it is corrected at the next rescoring of them).
 */
export const RELATED_GROUP_WALLETS_MAX = 200;

/**
 * What a batch changed that another wallet's facts read (the sharing rules): wallets opened (device
 * and IP address counts) and links registered or changed (bank account counts). Charges and spends
 * change only their own wallet's facts. Supersets are fine: more accounts get rescored, never fewer.
 */
export interface SharingChanges {
  /** Wallets opened (new members of their device's and IP address's groups). */
  openedAccountIds: readonly string[];
  /** Wallets whose links were registered or changed: their bank accounts' groups are expanded. */
  linkedAccountIds: readonly string[];
}

/**
 * The accounts whose facts change when `accountIds` change: those sharing a device, an IP address
 * or a bank account with them (groups larger than RELATED_GROUP_WALLETS_MAX are not expanded, see
 * there). Includes the given accounts. With `changes`, only the groups those changes can have
 * grown are expanded (the rest of the accounts changed nothing another wallet reads). Group sizes
 * and members come from the sharing tables (facts.ts), not from counting the base tables.
 */
export async function relatedAccountIds(
  db: Pick<Database, "pool">,
  accountIds: readonly string[],
  groupMax = RELATED_GROUP_WALLETS_MAX,
  changes?: SharingChanges,
): Promise<{ ids: string[]; groupMembers: Set<string>; opened: string[] }> {
  if (accountIds.length === 0) return { ids: [], groupMembers: new Set(), opened: [] };
  const given = new Set(accountIds);
  // (an opened or linked wallet is one of the given ones: the batch touched it)
  const opened = changes ? changes.openedAccountIds.filter((id) => given.has(id)) : [...given];
  const linked = changes ? changes.linkedAccountIds.filter((id) => given.has(id)) : [...given];
  const max = sql`${groupMax}::int`;
  const members =
    opened.length === 0 && linked.length === 0
      ? []
      : await rows<{ id: string }>(db.pool, sql`
     WITH opened AS (SELECT device_id, ip_address FROM wallet_account WHERE id = ANY(${opened}::text[])),
     dev AS (
       SELECT device_id FROM device_sharing
       WHERE device_id IN (SELECT device_id FROM opened WHERE device_id IS NOT NULL) AND wallets BETWEEN 2 AND ${max}
     ),
     ip AS (
       SELECT ip_address FROM ip_sharing
       WHERE ip_address IN (SELECT ip_address FROM opened WHERE ip_address IS NOT NULL) AND wallets BETWEEN 2 AND ${max}
     ),
     acct AS (
       -- from the ids (unnest, then index probes): a generic plan cannot make it a scan of every link version
       SELECT DISTINCT v.bank_code, v.branch_code, v.account_number
       FROM unnest(${linked}::text[]) AS i(id)
       JOIN bank_link l ON l.account_id = i.id
       JOIN bank_link_version v ON v.link_id = l.id
     ),
     acct_wallets AS (
       SELECT p.account_id
       FROM acct a
       JOIN bank_account_sharing s ON s.bank_code = a.bank_code AND s.branch_code = a.branch_code AND s.account_number = a.account_number
       JOIN bank_account_wallet p ON p.bank_code = a.bank_code AND p.branch_code = a.branch_code AND p.account_number = a.account_number
       WHERE s.wallets BETWEEN 2 AND ${max}
     )
     SELECT w.id FROM wallet_account w JOIN dev USING (device_id)
     UNION SELECT w.id FROM wallet_account w JOIN ip USING (ip_address)
     UNION SELECT account_id FROM acct_wallets`);
  // Unknown given ids are kept: rescoring ignores them.
  const groupMembers = new Set(members.map((r) => r.id));
  return { ids: [...new Set([...given, ...groupMembers])], groupMembers, opened };
}

/**
 * The after-commit hook: rescores the touched accounts and those sharing a device/IP/bank account
 * with them (with `changes`: only the groups the batch's openings and link changes grew).
 */
export async function rescoreTouched(db: Pick<Database, "pool">, accountIds: readonly string[], opts: RescoreOptions = {}, changes?: SharingChanges): Promise<RescoreResult> {
  const timer = phaseTimer(opts.timings);
  const { ids, groupMembers, opened } = await relatedAccountIds(db, accountIds, RELATED_GROUP_WALLETS_MAX, changes);
  timer.lap("touched.related");
  // Of the touched wallets, those the batch opened or linked: their things and lock-step windows grew.
  const grown = changes ? [...new Set([...opened, ...changes.linkedAccountIds])] : [...accountIds];
  // A wallet the batch only charged or spent on (not opened, not linked, on no group the batch grew)
  // has the same neighbourhood and lock-step windows as at its last scoring: unless its own flag
  // changes, its stored ring reasons stand and are not computed again (most touched wallets; the
  // ring reads were about 40% of a round). Its neighbours' changes reach it in the second round below.
  const grownSet = new Set(grown);
  const ringUnchanged = changes ? new Set(accountIds.filter((id) => !grownSet.has(id) && !groupMembers.has(id))) : undefined;
  // (the neighbourhoods this pass reads also tell whose ring points the wallets it scores can move)
  const known = new KnownNeighbourhood();
  const first = await rescoreAccounts(db, ids, { ...opts, ringUnchanged, known });
  timer.restart();
  if (opts.ring === false) return first;
  // Ring points (scoring-ring.ts) read the neighbours' own flags and the small things' and lock-step
  // windows' members: the wallets around those whose own flag changed, and around those the batch
  // opened or linked (their things and windows grew), are rescored once more. Ring points never
  // change anyone's own flag, so one round settles.
  const changed = first.ownFlagChanged ?? [];
  // Of those, the ones now flagged or confirmed can give their lock-step windows' wallets a hit;
  // the others can only take one away (see lockstepHitsOnly), so only wallets holding one are rescored.
  const bad = new Set(await badOf(db, grown, opts.threshold ?? DEFAULT_FLAG_THRESHOLD));
  timer.lap("touched.bad");
  // the active version's ring settings: its lock-step window, its hub limits, a signal turned off
  const ringOpts = { now: opts.now ?? new Date(), threshold: opts.threshold, ...ringSettingsOf(await scoringPolicy(db.pool), opts.rules !== undefined), known };
  const neighbours = await withPoolTransaction(
    db.pool,
    async (c) =>
      new Set([
        ...(await ringNeighbourIds(c, changed, ringOpts)),
        ...(await ringNeighbourIds(c, grown.filter((id) => bad.has(id)), { ...ringOpts, nearFlaggedOnly: true })),
        ...(await ringNeighbourIds(c, grown.filter((id) => !bad.has(id)), { ...ringOpts, nearFlaggedOnly: true, lockstepHitsOnly: true })),
      ]),
    { readOnly: true, settings: { plan_cache_mode: "force_generic_plan" } },
  );
  timer.lap("touched.neighbours");
  // (those whose ring reasons the first round computed, with this round's flags for its chunk)
  for (const id of ids) if (!ringUnchanged?.has(id)) neighbours.delete(id);
  if (neighbours.size === 0) return first;
  const again = await rescoreAccounts(db, [...neighbours], opts);
  if (opts.timings) opts.timings["touched.again (wallets)"] = (opts.timings["touched.again (wallets)"] ?? 0) + neighbours.size;
  return { ...add(first, again), ownFlagChanged: changed };
}

/** Of `ids`, those flagged by their own behaviour (stored score without ring points) or confirmed, and not marked legitimate. */
async function badOf(db: Pick<Database, "pool">, ids: readonly string[], threshold: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await rows<{ id: string }>(db.pool, sql`
    SELECT a.id FROM wallet_account a
    WHERE a.id = ANY(${[...ids]}::text[]) AND a.review_label IS DISTINCT FROM 'LEGITIMATE'
      AND (a.review_label = 'CONFIRMED_FRAUD' OR ${ownFlagSql("a", threshold)})`);
  return found.map((r) => r.id);
}
