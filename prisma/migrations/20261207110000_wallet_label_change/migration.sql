-- The history of wallets' review labels (#18: the regulator report as of a chosen time judges a
-- wallet by the label it had then). One row per change, written by a trigger on every path that
-- changes wallet_account.review_label, in the changing transaction. Rows are never changed.
-- The label a wallet had at a time T is the label_before of its first change after T, or its
-- current label when nothing changed after T.
-- No semicolons in comments: the migration runner splits the file at every semicolon character.

CREATE TABLE "wallet_label_change" (
  "id" BIGSERIAL PRIMARY KEY,
  "account_id" VARCHAR(64) NOT NULL REFERENCES "wallet_account"("id"),
  "label_before" "ReviewLabel",
  "label_after" "ReviewLabel",
  "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "wallet_label_change_account_idx" ON "wallet_label_change" ("account_id", "changed_at", "id");

CREATE FUNCTION wallet_label_change_record() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO wallet_label_change (account_id, label_before, label_after, changed_at)
  VALUES (NEW.id, OLD.review_label, NEW.review_label, now())\073
  RETURN NULL\073
END ';
-- Only UPDATEs that name review_label fire it (scoring and ingestion never do).
CREATE TRIGGER wallet_label_change_record AFTER UPDATE OF review_label ON wallet_account
  FOR EACH ROW WHEN (OLD.review_label IS DISTINCT FROM NEW.review_label)
  EXECUTE FUNCTION wallet_label_change_record();

CREATE FUNCTION wallet_label_change_immutable() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''wallet_label_change rows are kept as recorded: % refused'', TG_OP
    USING ERRCODE = ''check_violation'', CONSTRAINT = ''wallet_label_change_immutable''\073
END ';
CREATE TRIGGER wallet_label_change_immutable BEFORE UPDATE OR DELETE ON wallet_label_change
  FOR EACH ROW EXECUTE FUNCTION wallet_label_change_immutable();

-- Backfill from the audit log: every label staff set before this table existed.
INSERT INTO wallet_label_change (account_id, label_before, label_after, changed_at)
SELECT a.target_id, (a.before ->> 'reviewLabel')::"ReviewLabel", (a.after ->> 'reviewLabel')::"ReviewLabel", a.at
  FROM audit_event a JOIN wallet_account w ON w.id = a.target_id
 WHERE a.action IN ('account.markConfirmedFraud', 'account.markLegitimate') AND a.target_type = 'account'
 ORDER BY a.at, a.id;
