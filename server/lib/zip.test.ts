import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readZip, writeZip } from "./zip.ts";

describe("zip writer", () => {
  it("round-trips UTF-8 names and contents", () => {
    const files = [
      { name: "debits.csv", data: Buffer.from("\uFEFFcharge_id,amount_yen\r\nc1,1000\r\n") },
      { name: "被害者.csv", data: Buffer.from("ヤマダ タロウ".repeat(100)) },
      { name: "empty.txt", data: Buffer.alloc(0) },
    ];
    const zip = writeZip(files, new Date("2026-12-07T05:00:00Z"));
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(readZip(zip).map((e) => [e.name, Buffer.from(e.data).toString("utf8")])).toEqual(files.map((f) => [f.name, f.data.toString("utf8")]));
    expect(() => readZip(zip.subarray(0, zip.length - 30))).toThrow(); // cut short: no central directory
  });

  it("is read by the system's unzip (CRCs checked), with the time in JST, when there is one", () => {
    if (!existsSync("/usr/bin/unzip")) return;
    const dir = mkdtempSync(join(tmpdir(), "zip-"));
    writeFileSync(join(dir, "a.zip"), writeZip([{ name: "a.csv", data: Buffer.from("x,y\r\n") }], new Date("2026-12-07T05:00:00Z")));
    expect(execFileSync("/usr/bin/unzip", ["-t", join(dir, "a.zip")]).toString()).toMatch(/No errors detected/);
    expect(execFileSync("/usr/bin/unzip", ["-l", join(dir, "a.zip")]).toString()).toMatch(/2026-12-07 14:00|12-07-2026 14:00/);
  });
});
