// A bank's suspension as the volume pages show it: its status now (active, scheduled or none, and
// the scopes) and the regions the charts shade over a window. Used by the overview and a bank's page.
import type { VolumeWindow } from "../../../shared/volume/schemas.ts";
import type { SuspensionRegion, SuspensionStatus } from "./overview-types.ts";

export function suspensionStatuses(rows: Array<{ bank_code: string; scopes: string[]; starts_at: Date; lifted_at: Date | null }>, now: Date): Map<string, SuspensionStatus> {
  const out = new Map<string, SuspensionStatus>();
  for (const r of rows) {
    if (r.lifted_at) continue;
    const state = r.starts_at.getTime() <= now.getTime() ? "ACTIVE" : "SCHEDULED";
    const prev = out.get(r.bank_code);
    if (!prev) {
      out.set(r.bank_code, { state, scopes: [...r.scopes], startsAt: r.starts_at });
      continue;
    }
    // One bank may have several (per scope); an active one wins over a scheduled one.
    if (state === "ACTIVE" && prev.state === "SCHEDULED") out.set(r.bank_code, { state, scopes: [...r.scopes], startsAt: r.starts_at });
    else if (state === prev.state) prev.scopes = [...new Set([...prev.scopes, ...r.scopes])];
  }
  return out;
}

export function suspensionRegions(
  rows: Array<{ bank_code: string; scopes: string[]; starts_at: Date; lifted_at: Date | null }>,
  w: VolumeWindow,
  bankNames: Map<string, string>,
): SuspensionRegion[] {
  const out: SuspensionRegion[] = [];
  for (const r of rows) {
    const from = Math.max(r.starts_at.getTime(), w.from.getTime());
    const to = Math.min(r.lifted_at?.getTime() ?? w.to.getTime(), w.to.getTime());
    if (to <= from) continue;
    out.push({ bankCode: r.bank_code, bankName: bankNames.get(r.bank_code) ?? r.bank_code, scopes: r.scopes, from, to, ongoing: !r.lifted_at });
  }
  return out;
}
