import { describe, expect, it } from "vitest";
import { exportHref, readAccountsView } from "./accounts-view.ts";

const OPENED = Date.UTC(2026, 10, 25, 4, 0); // the page's own clock, not the test's

describe("the accounts view in the URL", () => {
  it("with no parameters: highest scores first, the first page, nothing hidden, selected or filtered", () => {
    const v = readAccountsView(new URLSearchParams(), OPENED);
    expect(v.sort).toBe("score");
    expect(v.dir).toBe("desc");
    expect(v.listInput).toMatchObject({ sort: "score", dir: "desc", cursor: undefined, direction: "next" });
    expect(v.paged).toBe(false);
    expect(v.hidden).toEqual([]);
    expect(v.selected).toEqual([]);
    expect(v.anyFilter).toBe(false);
  });

  it("reads filters, windows counted back from when the page was opened, and an ascending sort", () => {
    const v = readAccountsView(new URLSearchParams("bank=0125&scoreMin=60&scoreMax=abc&status=FROZEN&opened=24h&linked=6h&q=yamada&sort=openedAt&dir=asc"), OPENED);
    expect(v.filters).toMatchObject({ bank: "0125", scoreMin: 60, scoreMax: undefined, status: "FROZEN", q: "yamada" });
    expect(v.filters.openedFrom).toEqual(new Date(OPENED - 24 * 3_600_000));
    expect(v.filters.linkedFrom).toEqual(new Date(OPENED - 6 * 3_600_000));
    expect(v.sort).toBe("openedAt");
    expect(v.dir).toBe("asc");
    expect(v.anyFilter).toBe(true);
  });

  it("an unknown window filters nothing", () => {
    expect(readAccountsView(new URLSearchParams("opened=2y"), OPENED).filters.openedFrom).toBeUndefined();
  });

  it("a keyset position: 'before' pages back, 'after' forward", () => {
    expect(readAccountsView(new URLSearchParams("before=c1"), OPENED).listInput).toMatchObject({ cursor: "c1", direction: "prev" });
    const forward = readAccountsView(new URLSearchParams("after=c2"), OPENED);
    expect(forward.listInput).toMatchObject({ cursor: "c2", direction: "next" });
    expect(forward.paged).toBe(true);
  });

  it("hidden columns and the selection are comma lists", () => {
    const v = readAccountsView(new URLSearchParams("hide=reasons,status&sel=W1,W2,"), OPENED);
    expect(v.hidden).toEqual(["reasons", "status"]);
    expect(v.selected).toEqual(["W1", "W2"]);
    expect(v.anyFilter).toBe(false);
  });

  it("the CSV export carries the filters and the order, not the page position or the selection", () => {
    const href = exportHref(readAccountsView(new URLSearchParams("bank=0125&opened=24h&sort=flaggedAt&after=c2&sel=W1"), OPENED));
    const qs = new URLSearchParams(href.split("?")[1]);
    expect(href.startsWith("/exports/accounts.csv?")).toBe(true);
    expect(Object.fromEntries(qs)).toEqual({ bank: "0125", openedFrom: new Date(OPENED - 24 * 3_600_000).toISOString(), sort: "flaggedAt", dir: "desc" });
  });
});
