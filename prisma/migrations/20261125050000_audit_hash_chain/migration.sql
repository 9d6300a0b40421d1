-- The migration runner (adapter-pg) splits the script on every semicolon, even inside comments
-- and dollar quotes: function bodies that need one are E'' strings with \073 instead.
-- Audit log: tamper-evident and append-only.
--
-- Every row carries hash = sha256(prev_hash || canonical content), where prev_hash is the hash of
-- the row before it, so rewriting or removing a row breaks the chain at that row (or the next one)
-- and audit.verify reports it. The hash is computed here, in a BEFORE INSERT trigger, rather than
-- in the application, so every writer (Prisma, raw SQL in hot paths) is chained the same way and
-- verification recomputes it with the very same SQL function.
--
-- Appends are serialised by the row lock on the one-row audit_chain_head, held until the appending
-- transaction commits: the chain can never fork, even for REPEATABLE READ / SERIALIZABLE writers
-- (a concurrent head update makes them fail with 40001, which withTransaction retries). Ids are
-- reassigned under that lock (head.last_id + 1), so id order is exactly chain (and commit) order.
-- This serialises audited mutations from their audit write to their commit: fine at staff-action
-- rates (a few per second), and platform traffic (events, decisions) is never audited row by row.
--
-- UPDATE, DELETE and TRUNCATE are refused by triggers. A superuser or the table owner can still
-- disable triggers: that is what the hash chain is for (and production should connect as a role
-- that owns nothing, see README "Governance and security").

CREATE TABLE "audit_chain_head" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "last_id" BIGINT NOT NULL,
    "last_hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_chain_head_single_row" CHECK ("id" = 1)
);

-- The canonical content of a row: a JSON array of every recorded column, in a fixed order. Times as
-- epoch milliseconds (text output of timestamptz depends on the session time zone), JSONB values in
-- PostgreSQL's own normalised text form.
CREATE FUNCTION "audit_event_content"(e "audit_event") RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(
    e."id", (extract(epoch FROM e."at") * 1000)::bigint, e."actor_id", e."actor_email", e."actor_role"::text,
    e."action", e."target_type", e."target_id", e."reason", e."before", e."after", e."request_id", e."ip_address"
  )::text
$$;

CREATE FUNCTION "audit_event_hash"(prev_hash text, e "audit_event") RETURNS char(64) LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(prev_hash || '|' || "audit_event_content"(e), 'UTF8')), 'hex')
$$;

-- Rows written before this migration join the chain in id order.
DO E'
DECLARE
  r "audit_event"\073
  prev char(64) := repeat(''0'', 64)\073
  last bigint := 0\073
BEGIN
  FOR r IN SELECT * FROM "audit_event" ORDER BY "id" LOOP
    UPDATE "audit_event" SET "prev_hash" = prev, "hash" = "audit_event_hash"(prev, r) WHERE "id" = r."id"
      RETURNING "hash" INTO prev\073
    last := r."id"\073
  END LOOP\073
  INSERT INTO "audit_chain_head" ("id", "last_id", "last_hash") VALUES (1, last, prev)\073
END ';

CREATE FUNCTION "audit_event_chain"() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  head "audit_chain_head"\073
BEGIN
  SELECT * INTO head FROM "audit_chain_head" WHERE "id" = 1 FOR UPDATE\073
  IF NOT FOUND THEN
    RAISE EXCEPTION ''audit chain head is missing'' USING ERRCODE = ''data_exception''\073
  END IF\073
  NEW."id" := head."last_id" + 1\073
  NEW."prev_hash" := head."last_hash"\073
  NEW."hash" := "audit_event_hash"(head."last_hash", NEW)\073
  UPDATE "audit_chain_head" SET "last_id" = NEW."id", "last_hash" = NEW."hash" WHERE "id" = 1\073
  RETURN NEW\073
END ';

CREATE TRIGGER "audit_event_chain" BEFORE INSERT ON "audit_event" FOR EACH ROW EXECUTE FUNCTION "audit_event_chain"();

CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''the audit log is append-only: % on % is refused'', TG_OP, TG_TABLE_NAME USING ERRCODE = ''insufficient_privilege''\073
END ';

CREATE TRIGGER "audit_event_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_event" FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "audit_event_no_truncate" BEFORE TRUNCATE ON "audit_event" FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
-- The head may only move forward through the chain trigger, and it is never deleted or truncated.
CREATE TRIGGER "audit_chain_head_no_delete" BEFORE DELETE ON "audit_chain_head" FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "audit_chain_head_no_truncate" BEFORE TRUNCATE ON "audit_chain_head" FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
