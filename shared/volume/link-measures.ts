// What the bank alarm counts per link, and the platform's share of such links (pure; no I/O).
// Detection (server/features/volume/alarms.ts) and the eval (server/cli/eval-spikes.ts) count them
// from the events with these definitions, so both judge a link the same way.
import { compareHolderNames } from "../accounts/names.ts";

/**
 * What makes a link "fresh and heavily charged" (counted by detection and the eval, not here): within
 * `minutes` of its registration (or change), a charge of at least `nearLimitYen` (near the ¥100,000
 * per-charge limit) or charges adding up to `yen`. A new customer tries a wallet with one small charge
 * (at most ¥50,000 in the demo); a fraudster empties the account in a few charges a minute apart, some
 * of them ¥50,000 (plan ¥50,000 + ¥50,000 + ¥30,000): the sum counts from the second. (It was ¥120,000,
 * waiting for the third charge, which can fall in the next bucket; on the eval's honest calendar ¥100,000
 * costs 4 more false alarms over 360 bank-weeks, on the bonus day and paydays: 0.044 per bank-week.)
 */
export const FRESH_LINK = Object.freeze({ minutes: 15, nearLimitYen: 90_000, yen: 100_000 });

/** Whether a link's charges so far (within FRESH_LINK.minutes of linking) make it fresh and heavily charged. */
export function isFreshHeavy(largestChargeYen: number, totalYen: number): boolean {
  return largestChargeYen >= FRESH_LINK.nearLimitYen || totalYen >= FRESH_LINK.yen;
}

/**
 * What makes a link "another person's account, linked by a wallet minutes old" (a suspect link): the
 * link (or link change) comes within `minutes` of the wallet's opening, and the bank account's holder
 * is a different person (neither the same name nor the same surname: compareHolderNames says
 * DIFFERENT, so maiden names and family accounts sharing the surname do not count), and either
 *   - the wallet's holder has not passed identity verification: suspect when linked, before any
 *     charge, or
 *   - the wallet drew on that account `verifiedCharges` times (or more) within `chargeMinutes` of
 *     linking it: suspect at that charge. Identity verification says who opened the wallet, not
 *     that the bank account is theirs (a fraudster passes it with their own or a mule's papers and
 *     links a victim's account); an honest newcomer tries a new wallet with one charge, someone
 *     emptying a stranger's account draws on it again and again within minutes. (On the eval's
 *     tuning seeds, 42 of 1,710 fraudulent links came from verified wallets and 39 of them were drawn on
 *     twice within 10 minutes; the eval's honest calendar had 3 honest links in 360 bank-weeks with
 *     another holder, made within 10 minutes of opening and charged twice within 10 minutes, verified
 *     or not, and none raised an alarm.)
 * This is what the link-and-charge attack does at its first step: a fresh throwaway wallet signs up
 * under one name and links a victim's account through the bank's link page. Honest customers mostly
 * link their own account, and those who link one under another name (a relative's, a business
 * account) rarely do it minutes after opening an unverified wallet.
 */
export const SUSPECT_LINK = Object.freeze({ minutes: 10, verifiedCharges: 2, chargeMinutes: 15 });

export interface LinkSubject {
  /** When the wallet was opened, epoch ms. */
  walletOpenedAtMs: number;
  walletHolderName: string;
  identityVerified: boolean;
  /** When the link was registered or changed to this bank account, epoch ms. */
  linkedAtMs: number;
  /** The bank account holder's name as the bank returned it. */
  linkHolderName: string;
  /** Charges drawn on this bank account through the link within SUSPECT_LINK.chargeMinutes of linking, so far (default 0). */
  chargesSoFar?: number;
}

/** Whether a link is a suspect link (see SUSPECT_LINK). */
export function isSuspectLink(l: LinkSubject): boolean {
  const age = l.linkedAtMs - l.walletOpenedAtMs;
  if (!(age >= 0 && age <= SUSPECT_LINK.minutes * 60_000)) return false;
  if (l.identityVerified && (l.chargesSoFar ?? 0) < SUSPECT_LINK.verifiedCharges) return false;
  return compareHolderNames(l.walletHolderName, l.linkHolderName).relation === "DIFFERENT";
}

/**
 * How many banks platformShare leaves out: at least `min`, and `share` of the banks. Several
 * attacks can run at once (the 2020 incident had three banks; the eval runs up to five at once), and
 * a bank under attack left in makes the platform look like a bonus day, which then hides one heavily
 * charged link at every large bank.
 */
export const FRESH_SHARE_LEAVE_OUT = Object.freeze({ min: 3, share: 0.15 });

export function freshShareLeaveOut(bankCount: number): number {
  return Math.max(FRESH_SHARE_LEAVE_OUT.min, Math.ceil(bankCount * FRESH_SHARE_LEAVE_OUT.share));
}

/**
 * Per bucket, the share of new links that were `marked` (fresh and heavily charged, or suspect) across
 * the platform over the last `windowBuckets`, leaving out the `leaveOut` banks where they are the
 * largest share of new links (the banks an attack is at: nearly all of its links are). An honest day
 * that makes many people charge a lot at once (a bonus day) raises it at every bank; an attack at a
 * few banks does not. NaN where no link was seen. Arrays are aligned.
 */
export function platformShare(
  banks: ReadonlyArray<{ links: ArrayLike<number>; marked?: ArrayLike<number> }>,
  n: number,
  windowBuckets = 36,
  leaveOut = freshShareLeaveOut(banks.length),
): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  const h = new Float64Array(banks.length);
  const l = new Float64Array(banks.length);
  const val = (a: ArrayLike<number> | undefined, i: number) => (a && i >= 0 && Number.isFinite(a[i]) ? a[i] : 0);
  const order = banks.map((_, k) => k);
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < banks.length; k++) {
      h[k] += val(banks[k].marked, t) - val(banks[k].marked, t - windowBuckets);
      l[k] += val(banks[k].links, t) - val(banks[k].links, t - windowBuckets);
    }
    order.sort((a, b) => h[b] / (l[b] + 1) - h[a] / (l[a] + 1));
    let hs = 0;
    let ls = 0;
    for (let j = leaveOut; j < order.length; j++) {
      hs += h[order[j]];
      ls += l[order[j]];
    }
    if (ls > 0) out[t] = hs / ls;
  }
  return out;
}


/** platformShare of fresh heavily charged links (BankMeasures.freshShare). */
export function platformFreshShare(
  banks: ReadonlyArray<{ links: ArrayLike<number>; freshHeavy?: ArrayLike<number> }>,
  n: number,
  windowBuckets = 36,
  leaveOut = freshShareLeaveOut(banks.length),
): Float64Array {
  return platformShare(banks.map((b) => ({ links: b.links, marked: b.freshHeavy })), n, windowBuckets, leaveOut);
}

/** platformShare of suspect links (BankMeasures.suspectShare). */
export function platformSuspectShare(
  banks: ReadonlyArray<{ links: ArrayLike<number>; suspect?: ArrayLike<number> }>,
  n: number,
  windowBuckets = 36,
  leaveOut = freshShareLeaveOut(banks.length),
): Float64Array {
  return platformShare(banks.map((b) => ({ links: b.links, marked: b.suspect })), n, windowBuckets, leaveOut);
}
