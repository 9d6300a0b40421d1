// Which charges can be compensated: those made by a wallet we consider fraudulent. One definition,
// used by the SQL in server/features/compensation (FRAUD_WALLET_SQL mirrors it) and by the UI.
import { DEFAULT_FLAG_THRESHOLD } from "../accounts/rules.ts";

export type ReviewLabel = "CONFIRMED_FRAUD" | "LEGITIMATE";

/** Scored at or above the flag threshold, or confirmed by a person; a LEGITIMATE label wins over any score. */
export function isFraudulentWallet(wallet: { riskScore: number; reviewLabel: ReviewLabel | null }, flagThreshold: number = DEFAULT_FLAG_THRESHOLD): boolean {
  if (wallet.reviewLabel === "LEGITIMATE") return false;
  return wallet.reviewLabel === "CONFIRMED_FRAUD" || wallet.riskScore >= flagThreshold;
}

export { DEFAULT_FLAG_THRESHOLD };
