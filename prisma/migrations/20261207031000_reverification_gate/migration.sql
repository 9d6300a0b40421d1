-- Re-verification gate (#17): while a bank's charges are suspended, a manager opens a gate on the
-- suspension. Grandfathered links (linked before its cutoff) whose wallet holder passed a
-- verification at or after verified_after may charge again. One gate per suspension.
CREATE TABLE "reverification_gate" (
    "suspension_id" UUID NOT NULL,
    "verified_after" TIMESTAMPTZ(3) NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "opened_by_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    CONSTRAINT "reverification_gate_pkey" PRIMARY KEY ("suspension_id"),
    CONSTRAINT "reverification_gate_suspension_id_fkey" FOREIGN KEY ("suspension_id") REFERENCES "suspension"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
