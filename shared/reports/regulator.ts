// The regulator report (#18), pure parts: the figures per bank and in total as of a chosen time, and
// the CSV the printable page offers. Amounts are yen; times are written in JST.
import { csvDocument, csvRecord, isoJst } from "../csv.ts";

export interface RegulatorFigures {
  victimCount: number;
  chargeCount: number;
  /** What fraudulent wallets took (charges up to the time). */
  takenYen: number;
  caseCount: number;
  /** Paid to victims: settled transfers up to the time (ledger). */
  compensatedYen: number;
  /** Requested or approved and not yet paid at the time. */
  pendingYen: number;
  /** Reimbursed by the victims' banks or other parties, recorded up to the time. */
  reimbursedByOthersYen: number;
  /** taken − compensated − pending − reimbursed by others, never below zero. */
  outstandingYen: number;
}

export interface RegulatorMeasure {
  bankCode: string;
  scopes: string[];
  quarantine: boolean;
  startsAt: Date;
  /** Lifted (at or before the time), or planned end; null when open-ended. */
  endsAt: Date | null;
  /** Active at the time, scheduled (not yet started), or ended. */
  status: "ACTIVE" | "SCHEDULED" | "ENDED";
}

export interface RegulatorBankRow extends RegulatorFigures {
  bankCode: string;
  bankName: string;
  measures: RegulatorMeasure[];
}

export interface RegulatorReport {
  asOf: Date;
  banks: RegulatorBankRow[];
  total: RegulatorFigures & { measureCount: number };
}

export const ZERO_FIGURES: RegulatorFigures = { victimCount: 0, chargeCount: 0, takenYen: 0, caseCount: 0, compensatedYen: 0, pendingYen: 0, reimbursedByOthersYen: 0, outstandingYen: 0 };
const KEYS = Object.keys(ZERO_FIGURES) as Array<keyof RegulatorFigures>;

export function outstandingOf(f: Pick<RegulatorFigures, "takenYen" | "compensatedYen" | "pendingYen" | "reimbursedByOthersYen">): number {
  return Math.max(0, f.takenYen - f.compensatedYen - f.pendingYen - f.reimbursedByOthersYen);
}

export function totalOf(rows: readonly RegulatorBankRow[]): RegulatorReport["total"] {
  const t = { ...ZERO_FIGURES, measureCount: 0 };
  for (const r of rows) {
    for (const k of KEYS) t[k] += r[k];
    t.measureCount += r.measures.length;
  }
  return t;
}

/** Status of a measure at a time. */
export function measureStatus(startsAt: Date, endedAt: Date | null, asOf: Date): RegulatorMeasure["status"] {
  if (endedAt && endedAt.getTime() <= asOf.getTime()) return "ENDED";
  return startsAt.getTime() > asOf.getTime() ? "SCHEDULED" : "ACTIVE";
}

const FIGURE_HEADER = ["victims", "charges", "taken_yen", "cases", "compensated_yen", "pending_yen", "reimbursed_by_others_yen", "outstanding_yen"];
const figureCells = (f: RegulatorFigures) => [f.victimCount, f.chargeCount, f.takenYen, f.caseCount, f.compensatedYen, f.pendingYen, f.reimbursedByOthersYen, f.outstandingYen];

/** Two tables in one file: figures per bank with a TOTAL row, then the measures. */
export function regulatorCsv(r: RegulatorReport): string {
  let out = csvDocument(
    ["as_of", "bank_code", "bank_name", ...FIGURE_HEADER, "measures"],
    [
      ...r.banks.map((b) => [isoJst(r.asOf), b.bankCode, b.bankName, ...figureCells(b), b.measures.length]),
      [isoJst(r.asOf), "TOTAL", "", ...figureCells(r.total), r.total.measureCount],
    ],
  );
  out += csvRecord([]);
  out += csvRecord(["bank_code", "measure", "scopes", "quarantine", "starts_at", "ends_at", "status_at_as_of"]);
  for (const b of r.banks) for (const m of b.measures) out += csvRecord([m.bankCode, "suspension", m.scopes.join(" "), m.quarantine ? "yes" : "no", isoJst(m.startsAt), isoJst(m.endsAt), m.status]);
  return out;
}
