import { describe, expect, it } from "vitest";
import { SingleFlight } from "./single-flight.ts";

describe("SingleFlight", () => {
  it("gives concurrent callers of one key one run, and starts afresh once it settled", async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const work = async () => {
      runs += 1;
      await gate;
      return runs;
    };
    const a = flights.run("30d", work);
    const b = flights.run("30d", work);
    const other = flights.run("24h", async () => -1);
    release();
    expect(await Promise.all([a, b, other])).toEqual([1, 1, -1]);
    expect(flights.size).toBe(0);
    expect(await flights.run("30d", work)).toBe(2);
  });

  it("passes a failure to every caller of that run and forgets it", async () => {
    const flights = new SingleFlight<number>();
    const failing = () => Promise.reject(new Error("statement timeout"));
    await expect(Promise.all([flights.run("k", failing), flights.run("k", failing)])).rejects.toThrow("statement timeout");
    expect(await flights.run("k", async () => 7)).toBe(7);
  });
});
