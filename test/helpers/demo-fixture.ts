// The demo data as `npm start` loads it (loadDemoData: the ingestion service, then the volume
// backfill and the bulk rescoring), built once per test run for the files that use it as it is and
// cloned for each (test/helpers/db.ts sharedFixtureDatabase). It ends when the first file asking
// for it built it, a few minutes at most before the others start.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadDemoData } from "../../server/features/events/demo-load.ts";
import { sharedFixtureDatabase } from "./db.ts";

/** Seed 5 at scale 0.05, ending about now: the accounts and rule-versions browser tests. */
export function scoredDemoFixture(): Promise<string> {
  return sharedFixtureDatabase("loadDemoData seed 5 scale 0.05 ending at build", async (db) => {
    // Its own labels file: the demo's default one (.data/demo-labels.json) belongs to `npm start`.
    const labelsFile = path.join(mkdtempSync(path.join(tmpdir(), "fg-demo-fixture-")), "labels.json");
    await loadDemoData(db, { seed: 5, scale: 0.05, now: new Date(), log: () => {}, labelsFile });
  });
}
