-- A pending four-eyes request whose change became moot (#12): the suspension it would lift was
-- lifted by an emergency, the threshold it would raise was raised at least as far, the role it
-- would grant was granted. It is closed in the transaction that made it moot (SUPERSEDED, with the
-- time, the words and the request that superseded it), audited as change.supersede, instead of
-- staying pending forever. SUPERSEDED is a final state reached from PENDING only, never executed.
-- The new value is not used in this file (PostgreSQL refuses a new enum value in the transaction
-- that adds it): the trigger's body compares text at run time.
ALTER TYPE "ChangeStatus" ADD VALUE 'SUPERSEDED';

ALTER TABLE "change_request" ADD COLUMN "superseded_by_id" UUID;
ALTER TABLE "change_request" ADD CONSTRAINT "change_request_superseded_by_fkey" FOREIGN KEY ("superseded_by_id") REFERENCES "change_request"("id");

-- As in 20261206050000_change_requests (\073 for each semicolon), plus PENDING -> SUPERSEDED,
-- which must name the request that superseded it, and nothing else may set it.
CREATE OR REPLACE FUNCTION change_request_forward_only() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' THEN
    RAISE EXCEPTION ''change_request_forward_only: requests are kept'' USING ERRCODE = ''check_violation''\073
  END IF\073
  IF TG_OP = ''INSERT'' THEN
    IF NEW.status::text NOT IN (''PENDING'', ''EMERGENCY_APPLIED'') OR NEW.superseded_by_id IS NOT NULL THEN
      RAISE EXCEPTION ''change_request_forward_only: a request starts PENDING or EMERGENCY_APPLIED'' USING ERRCODE = ''check_violation''\073
    END IF\073
    RETURN NEW\073
  END IF\073
  IF NOT ((OLD.status::text = ''PENDING'' AND NEW.status::text IN (''APPROVED'', ''REJECTED'', ''SUPERSEDED'')) OR (OLD.status::text = ''EMERGENCY_APPLIED'' AND NEW.status::text = ''REVIEWED'')) THEN
    RAISE EXCEPTION ''change_request_forward_only: % -> % is not allowed'', OLD.status, NEW.status USING ERRCODE = ''check_violation''\073
  END IF\073
  IF (NEW.status::text = ''SUPERSEDED'') <> (NEW.superseded_by_id IS NOT NULL) THEN
    RAISE EXCEPTION ''change_request_forward_only: a superseded request names the request that superseded it, and only it'' USING ERRCODE = ''check_violation''\073
  END IF\073
  IF NEW.kind IS DISTINCT FROM OLD.kind OR NEW.payload IS DISTINCT FROM OLD.payload OR NEW.requested_by_id IS DISTINCT FROM OLD.requested_by_id
     OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.target_key IS DISTINCT FROM OLD.target_key
     OR (OLD.executed_at IS NOT NULL AND NEW.executed_at IS DISTINCT FROM OLD.executed_at) THEN
    RAISE EXCEPTION ''change_request_forward_only: what was asked for cannot change'' USING ERRCODE = ''check_violation''\073
  END IF\073
  RETURN NEW\073
END
';
