// Answers asked for before the console's code ran (index.html's inline script → overview/early.ts):
// taken once, only by a request for the same procedure with the same input, whatever the key order
// and the undefined fields the console's own input carries; anything else goes to the network. The
// script itself is run against the console's own rule for the overview's input.
import { readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { transformer } from "../../../../shared/transformer.ts";
import { takeEarlyAnswer } from "./early.ts";
import { overviewInputFromParams } from "./input.ts";

// The inline script of client/index.html (the only one).
const EARLY_SCRIPT = /<script>([\s\S]*?)<\/script>/.exec(readFileSync(path.join(import.meta.dirname, "../../../index.html"), "utf8"))![1];
type Early = Record<string, { input?: unknown; response: Promise<Response> } | undefined>;

/** The address the console's unbatched tRPC link writes for a query (httpUtils getUrl, with our transformer). */
function trpcUrl(procedure: string, input: unknown): string {
  return `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(transformer.input.serialize(input)))}`;
}

/** Runs index.html's inline script at an address: what it asked for and what it left for the console. */
function runEarlyScript(address: string): { asked: string[]; left: Early | undefined } {
  const url = new URL(address, "http://127.0.0.1:3000");
  const asked: string[] = [];
  const window: { __floodgateEarly?: Early } = {};
  runInNewContext(EARLY_SCRIPT, {
    window,
    location: { pathname: url.pathname, search: url.search },
    URLSearchParams,
    fetch: (u: string) => {
      asked.push(u);
      return Promise.resolve(new Response("{}"));
    },
  });
  return { asked, left: window.__floodgateEarly };
}

function leave(early: Early | undefined) {
  (globalThis as { window?: unknown }).window = { location: { origin: "http://127.0.0.1:3000" }, __floodgateEarly: early };
}

describe("answers asked for before the console's code ran", () => {
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it("are taken by the console's first request of each, with the same input, once", () => {
    const { asked, left } = runEarlyScript("/overview");
    expect(asked.map((u) => u.split("?")[0])).toEqual(["/trpc/auth.me", "/trpc/volume.overviewKpis", "/trpc/volume.overview"]);
    leave(left);
    const input = { range: "24h", from: undefined, to: undefined, chargeMeasure: "count", bank: undefined };
    for (const procedure of ["volume.overview", "volume.overviewKpis"]) {
      const url = trpcUrl(procedure, input);
      const response = left![procedure]!.response;
      expect(takeEarlyAnswer(url), procedure).toBe(response);
      expect(takeEarlyAnswer(url), procedure).toBeNull();
    }
    // The session check has no input; the link still writes one (superjson's undefined).
    const me = left!["auth.me"]!.response;
    expect(takeEarlyAnswer(trpcUrl("auth.me", undefined))).toBe(me);
    expect(takeEarlyAnswer(trpcUrl("auth.me", undefined))).toBeNull();
  });

  it("are left alone by another input, another procedure or a batch", () => {
    const { left } = runEarlyScript("/overview");
    leave(left);
    expect(takeEarlyAnswer(trpcUrl("volume.overview", { range: "7d", chargeMeasure: "count" }))).toBeNull();
    expect(takeEarlyAnswer(trpcUrl("volume.overview", { range: "24h", chargeMeasure: "yen" }))).toBeNull();
    expect(takeEarlyAnswer(trpcUrl("volume.overview", { range: "24h", chargeMeasure: "count", bank: "0125" }))).toBeNull();
    expect(takeEarlyAnswer(trpcUrl("volume.openSpikes", undefined))).toBeNull();
    expect(takeEarlyAnswer(trpcUrl("toString", undefined))).toBeNull();
    expect(takeEarlyAnswer(`/trpc/auth.me?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: transformer.input.serialize(undefined) }))}`)).toBeNull();
    expect(takeEarlyAnswer("/trpc/volume.overview?input=%7Bbroken")).toBeNull();
    // Still there for the requests they fit, key order aside.
    const response = left!["volume.overview"]!.response;
    expect(takeEarlyAnswer(trpcUrl("volume.overview", { chargeMeasure: "count", range: "24h" }))).toBe(response);
  });

  it("ask for exactly what the console will ask for at that address, and nothing on other pages", () => {
    for (const address of ["/overview", "/overview?range=7d", "/overview?range=6h&charge=yen&bank=0125&q=chu&sort=-dev", "/overview?range=nonsense", "/overview?charge=count&range=30d"]) {
      const { asked, left } = runEarlyScript(address);
      expect(asked, address).toHaveLength(3);
      const consoleInput = overviewInputFromParams(new URL(address, "http://x").searchParams)!;
      leave(left);
      expect(takeEarlyAnswer(trpcUrl("volume.overview", consoleInput)), address).not.toBeNull();
      expect(takeEarlyAnswer(trpcUrl("volume.overviewKpis", consoleInput)), address).not.toBeNull();
      // The address the script used is one the server reads (superjson's shape) as the same input.
      for (const u of asked.slice(1)) {
        const sent = new URL(u, "http://x").searchParams.get("input")!;
        expect(transformer.input.deserialize(JSON.parse(sent)), address).toEqual(JSON.parse(JSON.stringify(consoleInput)));
      }
    }
    // A custom range (dates), another page: the console asks by itself.
    for (const address of ["/overview?range=custom&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z", "/banks/0125", "/"]) {
      const { asked, left } = runEarlyScript(address);
      expect(asked, address).toEqual([]);
      expect(left, address).toBeUndefined();
    }
  });

  it("without early answers (the console opened elsewhere, or the script did not run) nothing is taken", () => {
    leave(undefined);
    expect(takeEarlyAnswer(trpcUrl("volume.overview", { range: "24h", chargeMeasure: "count" }))).toBeNull();
  });
});
