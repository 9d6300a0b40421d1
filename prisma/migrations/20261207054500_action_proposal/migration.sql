-- Proposed actions (#17): an open spike at a bank above a severity makes ONE proposed suspension per
-- bank incident. The incident is open while the bank has open spikes or its proposal awaits a
-- decision, and the partial unique index below allows one open incident per bank, so reruns of the
-- proposals job and several instances cannot propose twice. A manager confirms (the suspension ids
-- are recorded) or dismisses it, with a reason.
CREATE TABLE "action_proposal" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "bank_code" CHAR(4) NOT NULL,
    "status" VARCHAR(12) NOT NULL DEFAULT 'PENDING',
    "incident_started_at" TIMESTAMPTZ(3) NOT NULL,
    "incident_ended_at" TIMESTAMPTZ(3),
    "trigger_metric" "VolumeMetric" NOT NULL,
    "trigger_severity" DOUBLE PRECISION NOT NULL,
    "trigger_started_at" TIMESTAMPTZ(3) NOT NULL,
    "auth_method" "AuthMethod" NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "scopes" "SuspensionScope"[] NOT NULL,
    "cutoff_at" TIMESTAMPTZ(3) NOT NULL,
    "cutoff_basis" VARCHAR(20) NOT NULL,
    "preview" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" UUID,
    "decision_reason" TEXT,
    "suspension_ids" UUID[] NOT NULL DEFAULT '{}',
    CONSTRAINT "action_proposal_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "action_proposal_status_check" CHECK ("status" IN ('PENDING', 'CONFIRMED', 'DISMISSED')),
    CONSTRAINT "action_proposal_decided_check" CHECK (("status" = 'PENDING') = ("decided_at" IS NULL)),
    CONSTRAINT "action_proposal_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "action_proposal_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "staff_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "action_proposal_one_open_incident" ON "action_proposal"("bank_code") WHERE "incident_ended_at" IS NULL;
CREATE INDEX "action_proposal_bank_code_created_at_idx" ON "action_proposal"("bank_code", "created_at");
