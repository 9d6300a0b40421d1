// The simulation's queue of pending actions.

/**
 * Min-heap of actions ordered by a numeric key (time, then insertion order). Keys live in their own
 * array of doubles, so comparisons do not chase pointers to the action objects.
 */
export class Heap<T> {
  private keys: number[] = [];
  private vals: T[] = [];
  get size() {
    return this.vals.length;
  }
  peek(): T | undefined {
    return this.vals[0];
  }
  push(key: number, x: T) {
    const k = this.keys;
    const v = this.vals;
    let i = v.length;
    k.push(key);
    v.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] <= key) break;
      k[i] = k[p];
      v[i] = v[p];
      i = p;
    }
    k[i] = key;
    v[i] = x;
  }
  pop(): T | undefined {
    const k = this.keys;
    const v = this.vals;
    const top = v[0];
    const lastK = k.pop()!;
    const lastV = v.pop();
    const n = v.length;
    if (n > 0 && lastV) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && k[r] < k[l] ? r : l;
        if (lastK <= k[c]) break;
        k[i] = k[c];
        v[i] = v[c];
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}
/** seq occupies the low 26 bits of a heap key; time (whole seconds since the simulation start) the rest. */
export const SEQ_SPAN = 2 ** 26;
