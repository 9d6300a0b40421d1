// The accounts table's view as the URL holds it (filters, sort, keyset position, hidden columns, the
// selection), read into what the server is asked for. Pure, so the page and its parts agree on it.
import { ACCOUNTS_PAGE_SIZE, type AccountFilters, type AccountSort } from "../../../shared/accounts/schemas.ts";

export const WINDOWS = {
  "6h": { hours: 6 },
  "24h": { hours: 24 },
  "7d": { hours: 24 * 7 },
  "30d": { hours: 24 * 30 },
} as const satisfies Record<string, { hours: number }>;
export const SORTABLE = ["score", "openedAt", "flaggedAt"] as const;
/** The URL parameters that filter (the "clear filters" button shows when one is set). */
export const ACCOUNT_FILTER_KEYS = ["bank", "scoreMin", "scoreMax", "reason", "status", "label", "opened", "linked", "q"] as const;

function since(preset: string | null, nowMs: number): Date | undefined {
  const w = preset && preset in WINDOWS ? WINDOWS[preset as keyof typeof WINDOWS] : undefined;
  return w ? new Date(nowMs - w.hours * 3_600_000) : undefined;
}

function numberParam(v: string | null): number | undefined {
  if (v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const listOf = (v: string | null) => (v ?? "").split(",").filter(Boolean);

/** The view in `params`; time windows count back from `openedAtMs` (when the page was opened). */
export function readAccountsView(params: URLSearchParams, openedAtMs: number) {
  const sort = (params.get("sort") as AccountSort | null) ?? "score";
  const dir: "asc" | "desc" = params.get("dir") === "asc" ? "asc" : "desc";
  const filters: AccountFilters = {
    bank: params.get("bank") ?? undefined,
    scoreMin: numberParam(params.get("scoreMin")),
    scoreMax: numberParam(params.get("scoreMax")),
    reason: (params.get("reason") ?? undefined) as AccountFilters["reason"],
    status: (params.get("status") ?? undefined) as AccountFilters["status"],
    label: (params.get("label") ?? undefined) as AccountFilters["label"],
    openedFrom: since(params.get("opened"), openedAtMs),
    linkedFrom: since(params.get("linked"), openedAtMs),
    q: params.get("q") ?? undefined,
  };
  const after = params.get("after");
  const before = params.get("before");
  const listInput = {
    ...filters,
    sort,
    dir,
    limit: ACCOUNTS_PAGE_SIZE,
    cursor: before ?? after ?? undefined,
    direction: (before ? "prev" : "next") as "prev" | "next",
  };
  return {
    sort,
    dir,
    filters,
    listInput,
    /** On a later page (the "first page" button is live). */
    paged: Boolean(after || before),
    hidden: listOf(params.get("hide")),
    selected: listOf(params.get("sel")),
    anyFilter: ACCOUNT_FILTER_KEYS.some((k) => params.get(k)),
  };
}

/** The CSV export of what the view selects (same filters and order). */
export function exportHref(view: ReturnType<typeof readAccountsView>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...view.filters, sort: view.sort, dir: view.dir })) {
    if (v === undefined || v === null || v === "") continue;
    qs.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  return `/exports/accounts.csv?${qs}`;
}
