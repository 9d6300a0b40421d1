-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('ANALYST', 'MANAGER', 'SUPPORT', 'ADMIN');

-- CreateEnum
CREATE TYPE "AuthMethod" AS ENUM ('PIN', 'PIN_OTP', 'ONLINE_BANKING', 'CASH_CARD');

-- CreateEnum
CREATE TYPE "AccountStatus" AS ENUM ('ACTIVE', 'FROZEN');

-- CreateEnum
CREATE TYPE "ReviewLabel" AS ENUM ('CONFIRMED_FRAUD', 'LEGITIMATE');

-- CreateEnum
CREATE TYPE "LinkStatus" AS ENUM ('ACTIVE', 'QUARANTINED', 'REVOKED');

-- CreateEnum
CREATE TYPE "VolumeMetric" AS ENUM ('LINK_REGISTERED', 'LINK_CHANGED', 'CHARGE_COUNT', 'CHARGE_YEN', 'REGISTRATION_DENIED');

-- CreateEnum
CREATE TYPE "SpendChannel" AS ENUM ('payment', 'transfer');

-- CreateEnum
CREATE TYPE "SuspensionScope" AS ENUM ('REGISTRATION', 'LINK_CHANGE', 'CHARGE');

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('LINK_REGISTRATION', 'LINK_CHANGE', 'CHARGE');

-- CreateEnum
CREATE TYPE "DecisionOutcome" AS ENUM ('ALLOW', 'DENY');

-- CreateEnum
CREATE TYPE "CompensationState" AS ENUM ('REQUESTED', 'APPROVED', 'PAID', 'REJECTED', 'CANCELLED');

-- CreateTable
CREATE TABLE "bank" (
    "code" CHAR(4) NOT NULL,
    "name" TEXT NOT NULL,
    "name_kana" TEXT,
    "auth_method" "AuthMethod" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bank_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "app_setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "processed_event" (
    "id" VARCHAR(64) NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "payload_hash" CHAR(64) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet_account" (
    "id" VARCHAR(64) NOT NULL,
    "holder_name" TEXT NOT NULL,
    "holder_name_normalized" TEXT NOT NULL,
    "carrier_customer" BOOLEAN NOT NULL,
    "identity_verified" BOOLEAN NOT NULL,
    "device_id" TEXT,
    "ip_address" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "AccountStatus" NOT NULL DEFAULT 'ACTIVE',
    "review_label" "ReviewLabel",
    "risk_score" INTEGER NOT NULL DEFAULT 0,
    "risk_reasons" JSONB NOT NULL DEFAULT '[]',
    "flagged_at" TIMESTAMPTZ(3),
    "scored_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bank_link" (
    "id" VARCHAR(64) NOT NULL,
    "account_id" VARCHAR(64) NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "branch_code" CHAR(3) NOT NULL,
    "account_number" CHAR(7) NOT NULL,
    "holder_name" TEXT NOT NULL,
    "holder_name_normalized" TEXT NOT NULL,
    "auth_method" "AuthMethod" NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "changed_at" TIMESTAMPTZ(3),
    "status" "LinkStatus" NOT NULL DEFAULT 'ACTIVE',
    "status_reason" TEXT,
    "status_changed_at" TIMESTAMPTZ(3),
    "quarantine_suspension_id" TEXT,

    CONSTRAINT "bank_link_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bank_link_version" (
    "id" BIGSERIAL NOT NULL,
    "link_id" VARCHAR(64) NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "branch_code" CHAR(3) NOT NULL,
    "account_number" CHAR(7) NOT NULL,
    "holder_name" TEXT NOT NULL,
    "auth_method" "AuthMethod" NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),
    "event_id" VARCHAR(64) NOT NULL,

    CONSTRAINT "bank_link_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "charge" (
    "id" VARCHAR(64) NOT NULL,
    "link_id" VARCHAR(64) NOT NULL,
    "account_id" VARCHAR(64) NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "branch_code" CHAR(3) NOT NULL,
    "account_number" CHAR(7) NOT NULL,
    "amount_yen" INTEGER NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "charge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spend" (
    "id" VARCHAR(64) NOT NULL,
    "account_id" VARCHAR(64) NOT NULL,
    "amount_yen" INTEGER NOT NULL,
    "channel" "SpendChannel" NOT NULL,
    "counterparty" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "spend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "volume_bucket" (
    "bank_code" CHAR(4) NOT NULL,
    "metric" "VolumeMetric" NOT NULL,
    "bucket_minutes" SMALLINT NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "value" BIGINT NOT NULL DEFAULT 0,
    "expected" DOUBLE PRECISION,
    "band_low" DOUBLE PRECISION,
    "band_high" DOUBLE PRECISION,
    "z_score" DOUBLE PRECISION,
    "baseline_kind" VARCHAR(16),

    CONSTRAINT "volume_bucket_pkey" PRIMARY KEY ("bank_code","metric","bucket_minutes","bucket_start")
);

-- CreateTable
CREATE TABLE "spike" (
    "id" BIGSERIAL NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "metric" "VolumeMetric" NOT NULL,
    "detector" VARCHAR(16) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "peak_at" TIMESTAMPTZ(3) NOT NULL,
    "peak_value" DOUBLE PRECISION NOT NULL,
    "peak_expected" DOUBLE PRECISION NOT NULL,
    "severity" DOUBLE PRECISION NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "spike_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suspension" (
    "id" UUID NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "scopes" "SuspensionScope"[],
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "cutoff_at" TIMESTAMPTZ(3) NOT NULL,
    "quarantine" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lifted_at" TIMESTAMPTZ(3),
    "lifted_by_id" UUID,
    "lift_reason" TEXT,

    CONSTRAINT "suspension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_decision" (
    "id" BIGSERIAL NOT NULL,
    "kind" "DecisionKind" NOT NULL,
    "bank_code" CHAR(4),
    "account_id" VARCHAR(64),
    "link_id" VARCHAR(64),
    "amount_yen" INTEGER,
    "outcome" "DecisionOutcome" NOT NULL,
    "reason" VARCHAR(40) NOT NULL,
    "suspension_id" UUID,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_violation" (
    "id" BIGSERIAL NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "event_id" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "suspension_id" UUID,
    "detail" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "policy_violation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "compensation_case" (
    "id" UUID NOT NULL,
    "idempotency_key" VARCHAR(100) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "branch_code" CHAR(3) NOT NULL,
    "account_number" CHAR(7) NOT NULL,
    "holder_name" TEXT NOT NULL,
    "state" "CompensationState" NOT NULL DEFAULT 'REQUESTED',
    "total_yen" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_reason" TEXT,
    "payout_batch_id" UUID,
    "paid_at" TIMESTAMPTZ(3),

    CONSTRAINT "compensation_case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "compensation_line" (
    "case_id" UUID NOT NULL,
    "charge_id" VARCHAR(64) NOT NULL,
    "amount_yen" INTEGER NOT NULL,

    CONSTRAINT "compensation_line_pkey" PRIMARY KEY ("case_id","charge_id")
);

-- CreateTable
CREATE TABLE "payout_batch" (
    "id" UUID NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "case_count" INTEGER NOT NULL,
    "total_yen" BIGINT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_csv" TEXT NOT NULL,
    "file_sha256" CHAR(64) NOT NULL,

    CONSTRAINT "payout_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_user" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "password_hash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "password_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_session" (
    "token_hash" CHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ip_address" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "staff_session_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "sign_in_failure" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip_address" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_failure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_api_key" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" UUID,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "platform_api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_email" TEXT NOT NULL,
    "actor_role" "StaffRole",
    "action" VARCHAR(64) NOT NULL,
    "target_type" VARCHAR(32) NOT NULL,
    "target_id" TEXT NOT NULL,
    "reason" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "ip_address" TEXT,
    "prev_hash" CHAR(64),
    "hash" CHAR(64),

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "processed_event_received_at_idx" ON "processed_event"("received_at");

-- CreateIndex
CREATE INDEX "wallet_account_risk_score_id_idx" ON "wallet_account"("risk_score" DESC, "id");

-- CreateIndex
CREATE INDEX "wallet_account_flagged_at_id_idx" ON "wallet_account"("flagged_at" DESC, "id");

-- CreateIndex
CREATE INDEX "wallet_account_opened_at_idx" ON "wallet_account"("opened_at");

-- CreateIndex
CREATE INDEX "wallet_account_device_id_idx" ON "wallet_account"("device_id");

-- CreateIndex
CREATE INDEX "wallet_account_ip_address_idx" ON "wallet_account"("ip_address");

-- CreateIndex
CREATE INDEX "bank_link_account_id_idx" ON "bank_link"("account_id");

-- CreateIndex
CREATE INDEX "bank_link_bank_code_registered_at_idx" ON "bank_link"("bank_code", "registered_at");

-- CreateIndex
CREATE INDEX "bank_link_bank_code_branch_code_account_number_idx" ON "bank_link"("bank_code", "branch_code", "account_number");

-- CreateIndex
CREATE INDEX "bank_link_status_idx" ON "bank_link"("status");

-- CreateIndex
CREATE INDEX "bank_link_version_link_id_valid_from_idx" ON "bank_link_version"("link_id", "valid_from");

-- CreateIndex
CREATE INDEX "bank_link_version_bank_code_valid_from_idx" ON "bank_link_version"("bank_code", "valid_from");

-- CreateIndex
CREATE INDEX "charge_bank_code_occurred_at_idx" ON "charge"("bank_code", "occurred_at");

-- CreateIndex
CREATE INDEX "charge_account_id_occurred_at_idx" ON "charge"("account_id", "occurred_at");

-- CreateIndex
CREATE INDEX "charge_link_id_occurred_at_idx" ON "charge"("link_id", "occurred_at");

-- CreateIndex
CREATE INDEX "charge_bank_code_branch_code_account_number_idx" ON "charge"("bank_code", "branch_code", "account_number");

-- CreateIndex
CREATE INDEX "spend_account_id_occurred_at_idx" ON "spend"("account_id", "occurred_at");

-- CreateIndex
CREATE INDEX "volume_bucket_bucket_minutes_metric_bucket_start_idx" ON "volume_bucket"("bucket_minutes", "metric", "bucket_start");

-- CreateIndex
CREATE INDEX "spike_bank_code_started_at_idx" ON "spike"("bank_code", "started_at");

-- CreateIndex
CREATE INDEX "spike_ended_at_idx" ON "spike"("ended_at");

-- CreateIndex
CREATE INDEX "suspension_bank_code_starts_at_idx" ON "suspension"("bank_code", "starts_at");

-- CreateIndex
CREATE INDEX "suspension_lifted_at_idx" ON "suspension"("lifted_at");

-- CreateIndex
CREATE INDEX "platform_decision_bank_code_decided_at_idx" ON "platform_decision"("bank_code", "decided_at");

-- CreateIndex
CREATE INDEX "platform_decision_link_id_idx" ON "platform_decision"("link_id");

-- CreateIndex
CREATE INDEX "policy_violation_bank_code_occurred_at_idx" ON "policy_violation"("bank_code", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "compensation_case_idempotency_key_key" ON "compensation_case"("idempotency_key");

-- CreateIndex
CREATE INDEX "compensation_case_state_requested_at_idx" ON "compensation_case"("state", "requested_at");

-- CreateIndex
CREATE INDEX "compensation_case_bank_code_branch_code_account_number_idx" ON "compensation_case"("bank_code", "branch_code", "account_number");

-- CreateIndex
CREATE INDEX "compensation_line_charge_id_idx" ON "compensation_line"("charge_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_user_email_key" ON "staff_user"("email");

-- CreateIndex
CREATE INDEX "staff_session_user_id_idx" ON "staff_session"("user_id");

-- CreateIndex
CREATE INDEX "sign_in_failure_email_at_idx" ON "sign_in_failure"("email", "at");

-- CreateIndex
CREATE INDEX "sign_in_failure_ip_address_at_idx" ON "sign_in_failure"("ip_address", "at");

-- CreateIndex
CREATE UNIQUE INDEX "platform_api_key_key_hash_key" ON "platform_api_key"("key_hash");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_at_idx" ON "audit_event"("actor_id", "at");

-- CreateIndex
CREATE INDEX "audit_event_target_type_target_id_idx" ON "audit_event"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "audit_event_action_at_idx" ON "audit_event"("action", "at");

-- AddForeignKey
ALTER TABLE "bank_link" ADD CONSTRAINT "bank_link_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "wallet_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bank_link" ADD CONSTRAINT "bank_link_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bank_link_version" ADD CONSTRAINT "bank_link_version_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "bank_link"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "charge" ADD CONSTRAINT "charge_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "bank_link"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "charge" ADD CONSTRAINT "charge_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "wallet_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spend" ADD CONSTRAINT "spend_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "wallet_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spike" ADD CONSTRAINT "spike_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suspension" ADD CONSTRAINT "suspension_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compensation_case" ADD CONSTRAINT "compensation_case_payout_batch_id_fkey" FOREIGN KEY ("payout_batch_id") REFERENCES "payout_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compensation_line" ADD CONSTRAINT "compensation_line_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "compensation_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compensation_line" ADD CONSTRAINT "compensation_line_charge_id_fkey" FOREIGN KEY ("charge_id") REFERENCES "charge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff_session" ADD CONSTRAINT "staff_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "staff_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
