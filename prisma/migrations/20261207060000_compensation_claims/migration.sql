-- Claim intake and eligibility (#18). A case's claim: the JST days the victim noticed and reported
-- the loss, how they reported it, the police report number. Its contact log with the victim. And the
-- eligibility rules a MANAGER overrode for one charge of the case, with a reason (one row per case,
-- charge and rule).
CREATE TABLE "compensation_claim" (
    "case_id" UUID NOT NULL,
    "noticed_on" DATE NOT NULL,
    "reported_on" DATE NOT NULL,
    "channel" VARCHAR(20) NOT NULL,
    "police_report_number" VARCHAR(40),
    "recorded_by_id" UUID NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "compensation_claim_pkey" PRIMARY KEY ("case_id"),
    CONSTRAINT "compensation_claim_reported_after_noticed" CHECK ("reported_on" >= "noticed_on"),
    CONSTRAINT "compensation_claim_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "compensation_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE TABLE "compensation_contact" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "contacted_at" TIMESTAMPTZ(3) NOT NULL,
    "staff_id" UUID NOT NULL,
    "channel" VARCHAR(20) NOT NULL,
    "note" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "compensation_contact_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "compensation_contact_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "compensation_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "compensation_contact_case_idx" ON "compensation_contact"("case_id", "contacted_at");

CREATE TABLE "compensation_rule_override" (
    "case_id" UUID NOT NULL,
    "charge_id" VARCHAR(64) NOT NULL,
    "rule" VARCHAR(20) NOT NULL,
    "reason" TEXT NOT NULL,
    "overridden_by_id" UUID NOT NULL,
    "overridden_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "compensation_rule_override_pkey" PRIMARY KEY ("case_id", "charge_id", "rule"),
    CONSTRAINT "compensation_rule_override_line_fkey" FOREIGN KEY ("case_id", "charge_id") REFERENCES "compensation_line"("case_id", "charge_id") ON DELETE RESTRICT ON UPDATE CASCADE
);
