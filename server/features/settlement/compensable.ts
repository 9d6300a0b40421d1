// The other side of "never reimbursed twice": a new compensation case may ask for a charge only
// what neither live cases nor the bank or another party already cover (what we owe shrinks).
import type { Tx } from "../../db/transaction.ts";
import { formatYen } from "../../../shared/format.ts";
import type { ChargeForCompensation, ExistingLine } from "../../../shared/compensation/rules.ts";
import { compensableYen } from "../../../shared/settlement/rules.ts";
import { settlementError } from "../../../shared/settlement/errors.ts";
import { reimbursedCharges } from "./reimbursements.ts";

/** Call under the charges' row locks, before the case's own line check. */
export async function refuseReimbursedCharges(
  tx: Tx,
  lines: readonly { chargeId: string; amountYen: number }[],
  chargesById: ReadonlyMap<string, ChargeForCompensation>,
  existingByCharge: ReadonlyMap<string, readonly ExistingLine[]>,
): Promise<void> {
  const reimbursed = await reimbursedCharges(tx, [...new Set(lines.map((l) => l.chargeId))]);
  for (const line of lines) {
    const others = reimbursed.get(line.chargeId);
    const charge = chargesById.get(line.chargeId);
    if (!others || !charge) continue;
    const leftYen = compensableYen({ chargeAmountYen: charge.amountYen, lines: existingByCharge.get(line.chargeId) ?? [], reimbursements: others });
    if (line.amountYen > leftYen) {
      const by = others.map((r) => `${r.party === "BANK" ? `bank ${r.bankCode}` : r.partyName} ${formatYen(r.amountYen)} on ${r.reimbursedOn} (ref. ${r.reference})`).join(", ");
      throw settlementError(
        "CHARGE_ALREADY_REIMBURSED",
        leftYen === 0
          ? `Charge ${charge.id} (${formatYen(charge.amountYen)}) was already reimbursed: ${by}. Nothing is left to compensate: leave it out of this case.`
          : `Charge ${charge.id} (${formatYen(charge.amountYen)}) was partly reimbursed: ${by}. At most ${formatYen(leftYen)} is left to compensate, but this case asks for ${formatYen(line.amountYen)}.`,
        { chargeId: charge.id, remainingYen: leftYen, requestedYen: line.amountYen },
      );
    }
  }
}
