-- Suspensions: history is kept forever, and at most one active (not lifted, scheduled included)
-- suspension per bank and scope, enforced by the database so two managers committing at the same
-- moment cannot both succeed.

-- CreateTable
CREATE TABLE "suspension_active_scope" (
    "bank_code" CHAR(4) NOT NULL,
    "scope" "SuspensionScope" NOT NULL,
    "suspension_id" UUID NOT NULL,

    CONSTRAINT "suspension_active_scope_pkey" PRIMARY KEY ("bank_code","scope")
);

-- CreateIndex
CREATE INDEX "suspension_active_scope_suspension_id_idx" ON "suspension_active_scope"("suspension_id");

-- AddForeignKey
ALTER TABLE "suspension_active_scope" ADD CONSTRAINT "suspension_active_scope_suspension_id_fkey" FOREIGN KEY ("suspension_id") REFERENCES "suspension"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A suspension has at least one scope, and its cutoff is never after its start (the cutoff reaches
-- back to the start of the attack: a later cutoff would grandfather links made while suspended).
ALTER TABLE "suspension" ADD CONSTRAINT "suspension_scopes_not_empty" CHECK ("scopes" IS NOT NULL AND cardinality("scopes") >= 1);
ALTER TABLE "suspension" ADD CONSTRAINT "suspension_cutoff_not_after_start" CHECK ("cutoff_at" <= "starts_at");
ALTER TABLE "suspension" ADD CONSTRAINT "suspension_lift_complete" CHECK (
    ("lifted_at" IS NULL AND "lifted_by_id" IS NULL AND "lift_reason" IS NULL)
    OR ("lifted_at" IS NOT NULL AND "lifted_by_id" IS NOT NULL AND "lift_reason" IS NOT NULL)
);

-- History is kept forever: no DELETE or TRUNCATE, and the only change a row may ever see is being
-- lifted, once. Decisions already given cite these rows, so rewriting one would rewrite history.
-- Function bodies are E-strings with \073 for each semicolon: prisma migrate deploy runs through
-- @prisma/adapter-pg, whose executeScript splits the whole file at every semicolon character.
CREATE FUNCTION suspension_keep_history() RETURNS trigger LANGUAGE plpgsql AS E'
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
     OR NEW.lift_reason IS DISTINCT FROM OLD.lift_reason) THEN
    RAISE EXCEPTION ''a lifted suspension cannot be changed'' USING ERRCODE = ''restrict_violation''\073
  END IF\073
  RETURN NEW\073
END';

CREATE TRIGGER suspension_keep_history_row BEFORE UPDATE OR DELETE ON "suspension"
  FOR EACH ROW EXECUTE FUNCTION suspension_keep_history();
CREATE TRIGGER suspension_keep_history_truncate BEFORE TRUNCATE ON "suspension"
  FOR EACH STATEMENT EXECUTE FUNCTION suspension_keep_history();

-- suspension_active_scope follows suspension: rows appear with an unlifted suspension and go when
-- it is lifted. A second active suspension for the same bank and scope fails on the primary key
-- (23505, constraint suspension_active_scope_pkey), which the service reports as a conflict.
CREATE FUNCTION suspension_track_active_scopes() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    IF NEW.lifted_at IS NULL THEN
      INSERT INTO suspension_active_scope (bank_code, scope, suspension_id)
      SELECT NEW.bank_code, s, NEW.id FROM unnest(NEW.scopes) AS s\073
    END IF\073
  ELSIF OLD.lifted_at IS NULL AND NEW.lifted_at IS NOT NULL THEN
    DELETE FROM suspension_active_scope WHERE suspension_id = NEW.id\073
  END IF\073
  RETURN NULL\073
END';

CREATE TRIGGER suspension_track_active_scopes AFTER INSERT OR UPDATE OF lifted_at ON "suspension"
  FOR EACH ROW EXECUTE FUNCTION suspension_track_active_scopes();

-- Suspensions that already exist (none on a new database).
INSERT INTO "suspension_active_scope" ("bank_code", "scope", "suspension_id")
SELECT "bank_code", unnest("scopes"), "id" FROM "suspension" WHERE "lifted_at" IS NULL;
