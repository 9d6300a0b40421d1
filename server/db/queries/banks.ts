// bank: the reference list of banks (Zengin code, name, what their link page asks for).
import { rows, sql, type Queryable } from "../sql.ts";

export interface BankRef {
  code: string;
  name: string;
  authMethod: string;
}

/** Every bank, by code: the bank filters and pickers. */
export function allBanks(db: Queryable): Promise<BankRef[]> {
  return rows<BankRef>(db, sql`SELECT code, name, auth_method::text AS "authMethod" FROM bank ORDER BY code`);
}
