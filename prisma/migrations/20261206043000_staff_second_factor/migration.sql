-- Staff second factor (issue #12): TOTP secret (encrypted by the application), replay guard,
-- recovery codes, and the session's sign-in stage and last second-factor time (step-up).
ALTER TABLE "staff_user"
  ADD COLUMN "totp_secret" TEXT,
  ADD COLUMN "totp_enabled_at" TIMESTAMPTZ(3),
  ADD COLUMN "totp_last_step" INTEGER,
  ADD COLUMN "totp_pending_secret" TEXT;

ALTER TABLE "staff_session"
  ADD COLUMN "factor_pending" VARCHAR(8),
  ADD COLUMN "factor_verified_at" TIMESTAMPTZ(3);

CREATE TABLE "staff_recovery_code" (
  "id" BIGSERIAL NOT NULL,
  "user_id" UUID NOT NULL,
  "code_hash" CHAR(64) NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "used_at" TIMESTAMPTZ(3),
  CONSTRAINT "staff_recovery_code_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "staff_recovery_code_user_id_code_hash_key" ON "staff_recovery_code"("user_id", "code_hash");
ALTER TABLE "staff_recovery_code" ADD CONSTRAINT "staff_recovery_code_user_id_fkey"
  FOREIGN KEY ("user_id") REFERENCES "staff_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Sessions opened before the second factor existed never gave one: everyone signs in again.
DELETE FROM "staff_session";
