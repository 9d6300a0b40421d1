-- Suspensions that end and get reviewed (#17): an end time (the ending job lifts the suspension
-- then, as the system) and a review date (managers are reminded before it). Both may change while
-- the suspension is not lifted, never after. An ended suspension is lifted by no person: ended is
-- true and lifted_by_id stays empty.
ALTER TABLE "suspension" ADD COLUMN "ends_at" TIMESTAMPTZ(3);
ALTER TABLE "suspension" ADD COLUMN "review_at" TIMESTAMPTZ(3);
ALTER TABLE "suspension" ADD COLUMN "ended" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "suspension" ADD CONSTRAINT "suspension_ends_after_start" CHECK ("ends_at" IS NULL OR "ends_at" > "starts_at");
ALTER TABLE "suspension" DROP CONSTRAINT "suspension_lift_complete";
ALTER TABLE "suspension" ADD CONSTRAINT "suspension_lift_complete" CHECK (
    ("lifted_at" IS NULL AND "lifted_by_id" IS NULL AND "lift_reason" IS NULL AND NOT "ended")
    OR ("lifted_at" IS NOT NULL AND "lift_reason" IS NOT NULL AND ("lifted_by_id" IS NOT NULL OR "ended"))
);
CREATE INDEX "suspension_ends_at_open_idx" ON "suspension"("ends_at") WHERE "lifted_at" IS NULL AND "ends_at" IS NOT NULL;

-- The history trigger (from 20261125044300) also freezes the end and review times and the ended
-- flag once the suspension is lifted. E-string with \073 for each semicolon, as there.
CREATE OR REPLACE FUNCTION suspension_keep_history() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' OR TG_OP = ''TRUNCATE'' THEN
    RAISE EXCEPTION ''suspensions cannot be deleted: their history is kept forever'' USING ERRCODE = ''restrict_violation''\073
  END IF\073
  IF NEW.id IS DISTINCT FROM OLD.id
     OR NEW.bank_code IS DISTINCT FROM OLD.bank_code
     OR NEW.scopes IS DISTINCT FROM OLD.scopes
     OR NEW.starts_at IS DISTINCT FROM OLD.starts_at
     OR NEW.cutoff_at IS DISTINCT FROM OLD.cutoff_at
     OR NEW.quarantine IS DISTINCT FROM OLD.quarantine
     OR NEW.reason IS DISTINCT FROM OLD.reason
     OR NEW.created_by_id IS DISTINCT FROM OLD.created_by_id
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION ''a suspension cannot be changed, only lifted'' USING ERRCODE = ''restrict_violation''\073
  END IF\073
  IF OLD.lifted_at IS NOT NULL AND (
     NEW.lifted_at IS DISTINCT FROM OLD.lifted_at
     OR NEW.lifted_by_id IS DISTINCT FROM OLD.lifted_by_id
     OR NEW.lift_reason IS DISTINCT FROM OLD.lift_reason
     OR NEW.ends_at IS DISTINCT FROM OLD.ends_at
     OR NEW.review_at IS DISTINCT FROM OLD.review_at
     OR NEW.ended IS DISTINCT FROM OLD.ended) THEN
    RAISE EXCEPTION ''a lifted suspension cannot be changed'' USING ERRCODE = ''restrict_violation''\073
  END IF\073
  RETURN NEW\073
END';

-- The bank register (#17): every change of a bank's link authentication, with the date it took
-- effect at the bank, who recorded it and why. bank.auth_method is the newest one.
CREATE TABLE "bank_auth_change" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "bank_code" CHAR(4) NOT NULL,
    "auth_method" "AuthMethod" NOT NULL,
    "previous_method" "AuthMethod" NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "changed_by_id" UUID NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bank_auth_change_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "bank_auth_change_bank_code_effective_at_idx" ON "bank_auth_change"("bank_code", "effective_at");
ALTER TABLE "bank_auth_change" ADD CONSTRAINT "bank_auth_change_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
