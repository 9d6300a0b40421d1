-- Graduated response (#17): per bank, charge limits and step-up verification set by a manager,
-- the platform's verification results (events), and `challenge` as a third decision outcome.
ALTER TYPE "DecisionOutcome" ADD VALUE 'CHALLENGE';

CREATE TYPE "StepUpScope" AS ENUM ('NONE', 'AFTER_CUTOFF', 'ALL');
CREATE TYPE "VerificationMethod" AS ENUM ('EKYC', 'SHOP', 'OTP');

-- One row per bank that has (or had) a policy (no row: no limits, no step-up).
CREATE TABLE "bank_charge_policy" (
    "bank_code" CHAR(4) NOT NULL,
    "per_charge_yen" INTEGER,
    "per_day_yen" INTEGER,
    "per_month_yen" INTEGER,
    "step_up" "StepUpScope" NOT NULL DEFAULT 'NONE',
    "step_up_cutoff_at" TIMESTAMPTZ(3),
    "step_up_since" TIMESTAMPTZ(3),
    "reason" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" UUID NOT NULL,
    CONSTRAINT "bank_charge_policy_pkey" PRIMARY KEY ("bank_code"),
    CONSTRAINT "bank_charge_policy_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "bank_charge_policy_limits_positive" CHECK (coalesce("per_charge_yen", 1) > 0 AND coalesce("per_day_yen", 1) > 0 AND coalesce("per_month_yen", 1) > 0),
    CONSTRAINT "bank_charge_policy_cutoff" CHECK (("step_up" = 'AFTER_CUTOFF') = ("step_up_cutoff_at" IS NOT NULL)),
    CONSTRAINT "bank_charge_policy_since" CHECK (("step_up" = 'NONE') = ("step_up_since" IS NULL))
);

-- Identity verifications of a wallet's holder that the platform reports (step-up, re-verification).
CREATE TABLE "account_verification" (
    "id" VARCHAR(64) NOT NULL,
    "account_id" VARCHAR(64) NOT NULL,
    "method" "VerificationMethod" NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "verified_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "account_verification_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "account_verification_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "wallet_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "account_verification_account_id_verified_at_idx" ON "account_verification"("account_id", "verified_at");
