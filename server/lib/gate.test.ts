import { describe, expect, it } from "vitest";
import { Gate } from "./gate.ts";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("Gate", () => {
  it("runs at most `limit` at once, the others in the order they came, and passes results and errors through", async () => {
    const gate = new Gate(2);
    let now = 0;
    let most = 0;
    const started: number[] = [];
    const work = (i: number) => async () => {
      started.push(i);
      most = Math.max(most, ++now);
      await tick();
      now--;
      if (i === 3) throw new Error("three failed");
      return i * 10;
    };
    const runs = [0, 1, 2, 3, 4, 5].map((i) => gate.run(work(i)));
    expect(gate.running).toBe(2);
    expect(gate.queued).toBe(4);
    const settled = await Promise.allSettled(runs);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual([0, 10, 20, "three failed", 40, 50]);
    expect(gate.running).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it("a raised limit lets waiting runs start at once; a lowered one applies as runs end", async () => {
    const gate = new Gate(1);
    let now = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++now);
      await tick(10);
      now--;
    };
    const first = [1, 2, 3].map(() => gate.run(work));
    gate.setLimit(3);
    expect(gate.running).toBe(3);
    await Promise.all(first);
    expect(most).toBe(3);
    most = 0;
    gate.setLimit(1);
    await Promise.all([1, 2, 3].map(() => gate.run(work)));
    expect(most).toBe(1);
    expect(() => gate.setLimit(0)).toThrow(/at least 1/);
    gate.setLimit(Infinity);
    await Promise.all([1, 2, 3, 4, 5].map(() => gate.run(work)));
    expect(most).toBe(5);
  });
});
