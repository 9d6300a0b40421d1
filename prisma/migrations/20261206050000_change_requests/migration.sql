-- Four eyes on the changes that weaken protection (#12): lifting a suspension, raising the
-- compensation approval threshold, granting MANAGER or ADMIN. A request waits for a second person
-- (PENDING -> APPROVED, executed in the same transaction, or REJECTED), and an emergency is applied by
-- one person at once (EMERGENCY_APPLIED) and stays listed until a second person reviews it (REVIEWED).
CREATE TYPE "ChangeKind" AS ENUM ('LIFT_SUSPENSION', 'RAISE_APPROVAL_THRESHOLD', 'GRANT_ROLE');
CREATE TYPE "ChangeStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'EMERGENCY_APPLIED', 'REVIEWED');

CREATE TABLE "change_request" (
    "id" UUID NOT NULL,
    "kind" "ChangeKind" NOT NULL,
    "payload" JSONB NOT NULL,
    "target_key" TEXT NOT NULL,
    "status" "ChangeStatus" NOT NULL DEFAULT 'PENDING',
    "emergency" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_reason" TEXT,
    "executed_at" TIMESTAMPTZ(3),
    "reviewed_by_id" UUID,
    "reviewed_at" TIMESTAMPTZ(3),
    "review_reason" TEXT,

    CONSTRAINT "change_request_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "change_request_requester_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "staff_user"("id"),
    CONSTRAINT "change_request_decider_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "staff_user"("id"),
    CONSTRAINT "change_request_reviewer_fkey" FOREIGN KEY ("reviewed_by_id") REFERENCES "staff_user"("id"),
    -- Executed exactly in the states that mean "the change happened", an emergency is exactly one
    -- applied alone, and a second person is never the requester.
    CONSTRAINT "change_request_executed" CHECK (("executed_at" IS NOT NULL) = ("status" IN ('APPROVED', 'EMERGENCY_APPLIED', 'REVIEWED'))),
    CONSTRAINT "change_request_emergency" CHECK ("emergency" = ("status" IN ('EMERGENCY_APPLIED', 'REVIEWED'))),
    CONSTRAINT "change_request_decided" CHECK (("decided_by_id" IS NOT NULL) = ("status" IN ('APPROVED', 'REJECTED'))),
    CONSTRAINT "change_request_reviewed" CHECK (("reviewed_by_id" IS NOT NULL) = ("status" = 'REVIEWED')),
    CONSTRAINT "change_request_decider_not_requester" CHECK ("decided_by_id" IS DISTINCT FROM "requested_by_id"),
    CONSTRAINT "change_request_reviewer_not_requester" CHECK ("reviewed_by_id" IS DISTINCT FROM "requested_by_id")
);

CREATE INDEX "change_request_status_requested_at_idx" ON "change_request"("status", "requested_at");
-- One open request per thing changed (a suspension, the threshold, the role of a person).
CREATE UNIQUE INDEX "change_request_one_pending_per_target" ON "change_request"("target_key") WHERE "status" = 'PENDING';

-- A request moves forward once: PENDING -> APPROVED | REJECTED, EMERGENCY_APPLIED -> REVIEWED, and a
-- row is written as PENDING or EMERGENCY_APPLIED only, so a change executes once, and what was
-- asked for (kind, payload, requester, reason) never changes after the request.
-- The function body is an E-string with \073 for each semicolon: prisma migrate deploy (through
-- @prisma/adapter-pg) splits the whole file at every semicolon character.
CREATE FUNCTION change_request_forward_only() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' THEN
    RAISE EXCEPTION ''change_request_forward_only: requests are kept'' USING ERRCODE = ''check_violation''\073
  END IF\073
  IF TG_OP = ''INSERT'' THEN
    IF NEW.status NOT IN (''PENDING'', ''EMERGENCY_APPLIED'') THEN
      RAISE EXCEPTION ''change_request_forward_only: a request starts PENDING or EMERGENCY_APPLIED'' USING ERRCODE = ''check_violation''\073
    END IF\073
    RETURN NEW\073
  END IF\073
  IF NOT ((OLD.status = ''PENDING'' AND NEW.status IN (''APPROVED'', ''REJECTED'')) OR (OLD.status = ''EMERGENCY_APPLIED'' AND NEW.status = ''REVIEWED'')) THEN
    RAISE EXCEPTION ''change_request_forward_only: % -> % is not allowed'', OLD.status, NEW.status USING ERRCODE = ''check_violation''\073
  END IF\073
  IF NEW.kind IS DISTINCT FROM OLD.kind OR NEW.payload IS DISTINCT FROM OLD.payload OR NEW.requested_by_id IS DISTINCT FROM OLD.requested_by_id
     OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.target_key IS DISTINCT FROM OLD.target_key
     OR (OLD.executed_at IS NOT NULL AND NEW.executed_at IS DISTINCT FROM OLD.executed_at) THEN
    RAISE EXCEPTION ''change_request_forward_only: what was asked for cannot change'' USING ERRCODE = ''check_violation''\073
  END IF\073
  RETURN NEW\073
END
';

CREATE TRIGGER change_request_forward_only BEFORE INSERT OR UPDATE ON "change_request"
  FOR EACH ROW EXECUTE FUNCTION change_request_forward_only();
CREATE TRIGGER change_request_no_delete BEFORE DELETE ON "change_request"
  FOR EACH ROW EXECUTE FUNCTION change_request_forward_only();
