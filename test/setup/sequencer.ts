// Longest files first, across both projects, from recorded wall times: with two workers the run
// ends when its last file ends, so a 2-minute file must not be the one started last. Vitest's own
// order needs its results cache (absent on a fresh clone, where it falls back to file size and once
// started the slowest file at 756 s of a 905 s run) and runs the projects one after the other.
// The times and the order: test/setup/durations.ts.
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { longestFirst, recordedDurations } from "./durations.ts";

/** Vitest's sequencer (its sharding) with this order. */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const root = this.ctx.config.root;
    return longestFirst(files, (s) => path.relative(root, s.moduleId).split(path.sep).join("/"), recordedDurations());
  }
}

