// Writing the generator's labels to disk, kept out of the (I/O-free) generator core.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { DemoLabels } from "./types.ts";

/** Writes the labels as pretty-printed JSON (creating the folder if needed). */
export function writeLabels(labels: DemoLabels, filePath: string): void {
  mkdirSync(dirname(filePath), { recursive: true });
  writeFileSync(filePath, JSON.stringify(labels, null, 2) + "\n", "utf8");
}
