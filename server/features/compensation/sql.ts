// Small pieces shared by the compensation reads and writes. The fraudulent-wallet rule is
// fraudulentWalletSql (server/db/rules-sql.ts), the holder-name lookup holderNameSql
// (server/db/queries/bank-links.ts).

/** Raw queries return int8 sums as bigint (Prisma) or number (pg); money fits a JS number. */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "bigint" ? Number(v) : Number(v);
}
