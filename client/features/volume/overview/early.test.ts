// The overview's early answer (public/overview-early.js → overview/early.ts): taken once, only by a
// volume.overview request with the same input, whatever the key order and the undefined fields the
// console's own input carries; anything else goes to the network.
import { readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { transformer } from "../../../../shared/transformer.ts";
import { takeEarlyOverview } from "./early.ts";
import { overviewInputFromParams } from "./input.ts";

const EARLY_SCRIPT = readFileSync(path.join(import.meta.dirname, "../../../public/overview-early.js"), "utf8");

/** Runs public/overview-early.js at an address: what it asked for and what it left for the console. */
function runEarlyScript(address: string): { asked: string[]; left: { input: Record<string, unknown> } | undefined } {
  const url = new URL(address, "http://127.0.0.1:3000");
  const asked: string[] = [];
  const window: Record<string, unknown> = {};
  runInNewContext(EARLY_SCRIPT, {
    window,
    location: { pathname: url.pathname, search: url.search },
    URLSearchParams,
    fetch: (u: string) => {
      asked.push(u);
      return Promise.resolve(new Response("{}"));
    },
  });
  return { asked, left: window.__floodgateEarlyOverview as { input: Record<string, unknown> } | undefined };
}

/** The address the console's tRPC link writes for a query (httpUtils getUrl, with our transformer). */
function trpcUrl(path: string, input: unknown): string {
  return `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(transformer.input.serialize(input)))}`;
}

/** What public/overview-early.js leaves for the console. */
function leaveEarly(input: Record<string, unknown>, response: Promise<Response>) {
  (globalThis as { window?: unknown }).window = { location: { origin: "http://127.0.0.1:3000" }, __floodgateEarlyOverview: { input, response } };
}

describe("the overview's early answer", () => {
  const answer = Promise.resolve(new Response("{}"));
  beforeEach(() => leaveEarly({ range: "24h", chargeMeasure: "count" }, answer));
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it("is taken by the console's first overview query with the same input, once", () => {
    const url = trpcUrl("volume.overview", { range: "24h", from: undefined, to: undefined, chargeMeasure: "count", bank: undefined });
    expect(takeEarlyOverview(url)).toBe(answer);
    expect(takeEarlyOverview(url)).toBeNull();
  });

  it("is left alone by another input, another procedure or a batch", () => {
    expect(takeEarlyOverview(trpcUrl("volume.overview", { range: "7d", chargeMeasure: "count" }))).toBeNull();
    expect(takeEarlyOverview(trpcUrl("volume.overview", { range: "24h", chargeMeasure: "yen" }))).toBeNull();
    expect(takeEarlyOverview(trpcUrl("volume.overview", { range: "24h", chargeMeasure: "count", bank: "0125" }))).toBeNull();
    expect(takeEarlyOverview(trpcUrl("volume.openSpikes", { range: "24h", chargeMeasure: "count" }))).toBeNull();
    expect(takeEarlyOverview("/trpc/volume.overview")).toBeNull();
    // Still there for the query it fits.
    expect(takeEarlyOverview(trpcUrl("volume.overview", { chargeMeasure: "count", range: "24h" }))).toBe(answer);
  });

  it("a selected bank is part of the input", () => {
    const withBank = Promise.resolve(new Response("{}"));
    leaveEarly({ range: "6h", chargeMeasure: "yen", bank: "0125" }, withBank);
    expect(takeEarlyOverview(trpcUrl("volume.overview", { range: "6h", from: undefined, to: undefined, chargeMeasure: "yen", bank: "0125" }))).toBe(withBank);
  });

  it("without an early answer (the console opened elsewhere, or the script did not run) nothing is taken", () => {
    delete (globalThis as { window?: unknown }).window;
    expect(takeEarlyOverview(trpcUrl("volume.overview", { range: "24h", chargeMeasure: "count" }))).toBeNull();
  });

  it("the early script asks for exactly what the console will ask for at that address, and nothing elsewhere", () => {
    for (const address of ["/overview", "/overview?range=7d", "/overview?range=6h&charge=yen&bank=0125&q=chu&sort=-dev", "/overview?range=nonsense", "/overview?charge=count&range=30d"]) {
      const { asked, left } = runEarlyScript(address);
      expect(asked, address).toHaveLength(1);
      const console_ = overviewInputFromParams(new URL(address, "http://x").searchParams)!;
      // Once the console's own request finds the answer, it takes it (same input).
      leaveEarly(left!.input, Promise.resolve(new Response("{}")));
      expect(takeEarlyOverview(trpcUrl("volume.overview", console_)), address).not.toBeNull();
      // The address the script used is one the server reads (superjson's shape) as the same input.
      const sent = new URL(asked[0], "http://x").searchParams.get("input")!;
      expect(transformer.input.deserialize(JSON.parse(sent)), address).toEqual(JSON.parse(JSON.stringify(console_)));
    }
    // A custom range (dates), another page: the console asks by itself.
    for (const address of ["/overview?range=custom&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z", "/banks/0125", "/"]) {
      const { asked, left } = runEarlyScript(address);
      expect(asked, address).toEqual([]);
      expect(left, address).toBeUndefined();
    }
  });
});
