// ZIP files (the partner-bank evidence pack) through fflate, a small, maintained zip library with no
// dependencies: entries deflated, names in UTF-8. readZip reads a pack back (tests, checks).
import { unzipSync, zipSync, type Zippable } from "fflate";

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const JST_OFFSET_MIN = 9 * 60;

/**
 * ZIP times have no zone: readers show the fields as written. The files describe JST, so the fields
 * are JST's, whatever the server's own zone (fflate writes the Date's local fields).
 */
function jstFields(at: Date): Date {
  return new Date(at.getTime() + (JST_OFFSET_MIN + at.getTimezoneOffset()) * 60_000);
}

export function writeZip(entries: readonly ZipEntry[], at: Date): Buffer {
  const mtime = jstFields(at);
  const files: Zippable = {};
  for (const e of entries) {
    if (e.name in files) throw new Error(`zip: two entries named ${e.name}`);
    files[e.name] = [e.data, { mtime, level: 6 }];
  }
  return Buffer.from(zipSync(files));
}

/** The entries of a ZIP, in the order they were written. */
export function readZip(zip: Uint8Array): ZipEntry[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data }));
}
