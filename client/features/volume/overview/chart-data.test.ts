import { describe, expect, it } from "vitest";
import { chartLines, fitText, legendEntries, MUTED_COLOR, nextSort, OTHERS_COLOR, placeMarkers, placeRegionLabels, REGION_MIN_PX, shadedRegions, shareEqual, sparkPoints, spikingColors, textWidth, visibleBanks, xTicks, yTicks, type SortableBank } from "./chart-data.ts";

const series = [
  { key: "b0125", bankCode: "0125", label: "The 77 Bank (0125)", spiking: true },
  { key: "b0001", bankCode: "0001", label: "Mizuho (0001)", spiking: false },
  { key: "b0168", bankCode: "0168", label: "Chugoku (0168)", spiking: true },
  { key: "others", bankCode: null, label: "All other banks", spiking: false },
];

describe("chart lines", () => {
  const colors = spikingColors([
    { code: "0125", spiking: true },
    { code: "0001", spiking: false },
    { code: "0168", spiking: true },
  ]);

  it("gives each spiking bank its own colour, in the server's order, and none to the others", () => {
    expect([...colors.keys()]).toEqual(["0125", "0168"]);
    expect(colors.get("0125")).not.toBe(colors.get("0168"));
  });

  it("draws spiking banks last (on top), thick and coloured; the others muted and thin", () => {
    const lines = chartLines(series, colors);
    expect(lines.map((l) => l.key)).toEqual(["b0001", "others", "b0125", "b0168"]);
    const byKey = new Map(lines.map((l) => [l.key, l]));
    expect(byKey.get("b0125")!.color).toBe(colors.get("0125"));
    expect(byKey.get("b0125")!.width).toBeGreaterThan(byKey.get("b0001")!.width);
    expect(byKey.get("b0001")!.color).toBe(MUTED_COLOR);
    expect(byKey.get("others")!.color).toBe(OTHERS_COLOR);
    expect(byKey.get("others")!.dashed).toBe(true);
  });

  it("lists the spiking banks first in the legend and sums up the muted ones", () => {
    const legend = legendEntries(chartLines(series, colors));
    expect(legend.map((e) => e.label)).toEqual(["The 77 Bank (0125)", "Chugoku (0168)", "All other banks", "1 more bank by deviation"]);
  });
});

describe("spike markers", () => {
  const from = 0;
  const to = 1000;

  it("keeps one marker per bank (the first)", () => {
    const placed = placeMarkers(
      [
        { at: 500, bankCode: "0125" },
        { at: 100, bankCode: "0125" },
        { at: 300, bankCode: "0168" },
      ],
      from,
      to,
    );
    expect(placed.map((m) => [m.bankCode, m.at])).toEqual([
      ["0125", 100],
      ["0168", 300],
    ]);
  });

  it("puts labels that would overlap in different rows, and reuses a row once it is free", () => {
    const placed = placeMarkers(
      [
        { at: 100, bankCode: "a" },
        { at: 150, bankCode: "b" },
        { at: 400, bankCode: "c" },
      ],
      from,
      to,
      0.12,
    );
    expect(placed.map((m) => m.row)).toEqual([0, 1, 0]);
    expect(placed.every((m) => m.labelled)).toBe(true);
  });

  it("puts a label near the right edge on the left of its line so it is not cut", () => {
    const [m] = placeMarkers([{ at: 950, bankCode: "a" }], from, to, 0.12);
    expect(m.side).toBe("left");
    const [n] = placeMarkers([{ at: 500, bankCode: "a" }], from, to, 0.12);
    expect(n.side).toBe("right");
  });

  it("drops labels (not lines) beyond the rows there is room for", () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ at: 100 + i, bankCode: `b${i}` }));
    const placed = placeMarkers(many, from, to, 0.12, 4);
    expect(placed).toHaveLength(6);
    expect(placed.filter((m) => m.labelled)).toHaveLength(4);
  });
});

describe("chart labels in any language", () => {
  it("estimates Japanese characters a full em wide and Latin ones narrower", () => {
    expect(textWidth("七十七銀行 停止中", 10)).toBeGreaterThanOrEqual(80);
    expect(textWidth("0125", 10)).toBeLessThan(textWidth("七十七銀", 10));
    expect(textWidth("ｶﾅ", 10)).toBeLessThan(textWidth("カナ", 10));
  });

  it("shortens a label with an ellipsis only when it does not fit", () => {
    expect(fitText("The 77 Bank suspended", 10, 500)).toBe("The 77 Bank suspended");
    const short = fitText("七十七銀行 停止中", 10, 50);
    expect(short.endsWith("…")).toBe(true);
    expect(textWidth(short, 10)).toBeLessThanOrEqual(50);
  });

  it("keeps a period's label inside the plot: one that began at the right edge ends at the edge", () => {
    const [l] = placeRegionLabels([{ x1: 795, text: "七十七銀行 停止中" }], 40, 800, 10);
    expect(l).not.toBeNull();
    expect(l!.x + textWidth(l!.text, 10)).toBeLessThanOrEqual(800);
    expect(l!.text).toBe("七十七銀行 停止中");
    const [m] = placeRegionLabels([{ x1: 100, text: "Chugoku Bank suspended" }], 40, 800, 10);
    expect(m).toEqual({ x: 104, row: 0, text: "Chugoku Bank suspended" });
  });

  it("puts labels that would overlap in different rows, drops those beyond the rows, shortens one wider than the plot", () => {
    const placed = placeRegionLabels(
      [
        { x1: 700, text: "七十七銀行 停止中" },
        { x1: 710, text: "中国銀行 停止中" },
        { x1: 100, text: "静岡銀行 停止中" },
      ],
      40,
      800,
      10,
      2,
    );
    expect(placed.map((p) => p?.row ?? null)).toEqual([0, 1, 0]);
    const rows = placeRegionLabels([{ x1: 700, text: "a long label" }, { x1: 701, text: "a long label" }, { x1: 702, text: "a long label" }], 40, 800, 10, 2);
    expect(rows.filter((p) => p !== null)).toHaveLength(2);
    const [narrow] = placeRegionLabels([{ x1: 45, text: "七十七銀行 停止中" }], 40, 100, 10);
    expect(narrow!.text.endsWith("…")).toBe(true);
    expect(narrow!.x + textWidth(narrow!.text, 10)).toBeLessThanOrEqual(100);
  });
});

describe("shaded periods (suspensions)", () => {
  // 24 hours of 5-minute points: the last point (the still-filling bucket) is the plot's right edge.
  const B = 5 * 60_000;
  const t0 = Date.UTC(2026, 11, 7, 0, 0);
  const t1 = t0 + 287 * B;
  const left = 40;
  const right = 800;
  const x = (at: number) => left + ((at - t0) / (t1 - t0)) * (right - left);

  it("shades a suspension made during the last bucket at once, as a strip at the right edge", () => {
    // Suspended 2 minutes into the last bucket, the chart asked a minute later (`to` = now).
    const fresh = { from: t1 + 2 * 60_000, to: t1 + 3 * 60_000 };
    const [r] = shadedRegions([fresh], t0, t1, B, x, left, right);
    expect(r).toEqual({ x1: right - REGION_MIN_PX, x2: right, region: fresh });
    // Before: a period starting after the last point was dropped until the next bucket's point came.
    expect(Math.min(right, x(fresh.to)) > Math.max(left, x(fresh.from))).toBe(false);
  });

  it("keeps a wider period where it was, widens a sliver, and leaves out what is outside the chart", () => {
    const hours = { from: t0 + 100 * B, to: t1 + 60_000 };
    const sliver = { from: t0 + 10 * B, to: t0 + 10 * B + 10_000 };
    const before = { from: t0 - 2 * B, to: t0 };
    const later = { from: t1 + B, to: t1 + 2 * B };
    const shown = shadedRegions([hours, sliver, before, later], t0, t1, B, x, left, right);
    expect(shown.map((r) => r.region)).toEqual([hours, sliver]);
    expect(shown[0]).toMatchObject({ x1: x(hours.from), x2: right });
    expect(shown[1].x1).toBeCloseTo(x(sliver.from), 6);
    expect(shown[1].x2 - shown[1].x1).toBeCloseTo(REGION_MIN_PX, 6);
    // one that began before the chart is cut at its left edge
    expect(shadedRegions([{ from: t0 - B, to: t0 + 50 * B }], t0, t1, B, x, left, right)[0].x1).toBe(left);
  });
});

describe("sparkline points", () => {
  it("scales to the box with the largest value at the top and zero at the bottom", () => {
    expect(sparkPoints([0, 5, 10], 20, 12, 2)).toBe("0,10 10,6 20,2");
  });
  it("draws a flat line along the bottom when everything is zero, and nothing for no values", () => {
    expect(sparkPoints([0, 0], 10, 10, 2)).toBe("0,8 10,8");
    expect(sparkPoints([], 10, 10)).toBe("");
  });
});

describe("the table's rows", () => {
  const bank = (code: string, name: string, kana: string | null, links: number, spiking = false): SortableBank => ({
    code,
    name,
    nameJa: kana,
    authMethod: "PIN",
    links: { value: links },
    charges: { value: links * 2 },
    chargedYen: { value: links * 1000 },
    deviation: { z: links / 10 },
    spikingNow: spiking,
    spikesInWindow: 0,
    suspension: { state: "NONE" },
  });
  const rows = [bank("0125", "The 77 Bank", "シチジユウシチ", 90, true), bank("0168", "The Chugoku Bank", "チユウゴク", 10), bank("0001", "Mizuho Bank", "ミズホ", 50)];

  it("filters by name in any case, by code and by kana", () => {
    expect(visibleBanks(rows, "Chugoku", "", false).map((b) => b.code)).toEqual(["0168"]);
    expect(visibleBanks(rows, "chugoku", "", false).map((b) => b.code)).toEqual(["0168"]);
    expect(visibleBanks(rows, "0001", "", false).map((b) => b.code)).toEqual(["0001"]);
    expect(visibleBanks(rows, "ミズホ", "", false).map((b) => b.code)).toEqual(["0001"]);
    expect(visibleBanks(rows, "  ", "", false)).toHaveLength(3);
  });

  it("keeps the server's order without a sort, and sorts both ways by a column", () => {
    expect(visibleBanks(rows, "", "", false).map((b) => b.code)).toEqual(["0125", "0168", "0001"]);
    expect(visibleBanks(rows, "", "links", false).map((b) => b.code)).toEqual(["0168", "0001", "0125"]);
    expect(visibleBanks(rows, "", "-links", false).map((b) => b.code)).toEqual(["0125", "0001", "0168"]);
    expect(visibleBanks(rows, "", "bank", false).map((b) => b.code)).toEqual(["0001", "0125", "0168"]);
    expect(visibleBanks(rows, "", "nonsense", false).map((b) => b.code)).toEqual(["0125", "0168", "0001"]);
  });

  it("cycles a header's sort: descending, ascending, none", () => {
    expect(nextSort("", "links")).toBe("-links");
    expect(nextSort("-links", "links")).toBe("links");
    expect(nextSort("links", "links")).toBe("");
    expect(nextSort("links", "bank")).toBe("-bank");
  });
});

describe("structural sharing of query data", () => {
  const row = (code: string, v: number) => ({ code, links: { value: v }, suspension: { state: "ACTIVE", startsAt: new Date(1000) } });

  it("keeps unchanged rows (Dates included) the same objects and replaces changed ones", () => {
    const prev = { generatedAt: new Date(1), banks: [row("0001", 1), row("0125", 5)] };
    const next = { generatedAt: new Date(2), banks: [row("0001", 1), row("0125", 6)] };
    const shared = shareEqual(prev, next);
    expect(shared).not.toBe(prev);
    expect(shared.banks[0]).toBe(prev.banks[0]);
    expect(shared.banks[1]).not.toBe(prev.banks[1]);
    expect(shared.banks[1].suspension).toBe(prev.banks[1].suspension);
    expect(shared.banks[1].links.value).toBe(6);
    expect(shared.generatedAt.getTime()).toBe(2);
  });

  it("returns the previous data itself when nothing changed", () => {
    const prev = { a: [1, 2, { b: new Date(5), c: null }], n: Number.NaN };
    const next = { a: [1, 2, { b: new Date(5), c: null }], n: Number.NaN };
    expect(shareEqual(prev, next)).toBe(prev);
  });

  it("notices added and removed keys and items", () => {
    expect(shareEqual({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(shareEqual({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    expect(shareEqual([1, 2], [1])).toEqual([1]);
    expect(shareEqual(undefined, { a: 1 })).toEqual({ a: 1 });
  });
});

describe("chart axes", () => {
  it("puts round whole-number steps from 0 up to at least the largest value", () => {
    expect(yTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(yTicks(61)).toEqual([0, 20, 40, 60, 80]);
    expect(yTicks(240_106_380).at(-1)).toBeGreaterThanOrEqual(240_106_380);
    expect(yTicks(1.5)).toEqual([0, 1, 2]);
    expect(yTicks(0)).toEqual([0, 1]);
  });

  it("puts time ticks on round JST hours, far enough apart to read", () => {
    const from = Date.parse("2026-12-05T20:12:00Z"); // 05:12 JST
    const to = from + 24 * 3_600_000;
    const ticks = xTicks(from, to, 480);
    expect(ticks.length).toBeGreaterThan(2);
    expect(ticks.length).toBeLessThanOrEqual(6);
    for (const t of ticks) expect(new Date(t).getUTCMinutes()).toBe(0);
    expect((480 * (ticks[1] - ticks[0])) / (to - from)).toBeGreaterThanOrEqual(80);
    // 30 days: whole JST days.
    const days = xTicks(from, from + 30 * 86_400_000, 480);
    for (const t of days) expect((t + 9 * 3_600_000) % 86_400_000).toBe(0);
  });
});
