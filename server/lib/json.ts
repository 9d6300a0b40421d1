/** Plain JSON for audit before/after: bigints as numbers (our values stay below 2^53), dates as ISO. */
export function toJsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v)),
  );
}
