// bank: the reference list of banks (Zengin code, name, what their link page asks for).
import { rows, sql, type Queryable } from "../sql.ts";

export interface BankRef {
  code: string;
  name: string;
  /** The Japanese name (七十七銀行), when known: shown when the console is in Japanese. */
  nameJa: string | null;
  authMethod: string;
}

/** Every bank, by code: the bank filters and pickers. */
export function allBanks(db: Queryable): Promise<BankRef[]> {
  return rows<BankRef>(db, sql`SELECT code, name, name_ja AS "nameJa", auth_method::text AS "authMethod" FROM bank ORDER BY code`);
}
