-- The bank-level spike alarm (shared/volume/alarm.ts): what the incident banner lists. One row per
-- alarm, identified by the bank and the end of the bucket it opened in. Detection upserts it as it
-- goes on and closes it. A MANAGER or ANALYST may acknowledge it with a reason: it then leaves the
-- banner and stays on the bank page, marked.
CREATE TABLE "bank_alarm" (
    "id" BIGSERIAL NOT NULL,
    "bank_code" CHAR(4) NOT NULL,
    "evidence" VARCHAR(24) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3) NOT NULL,
    "impact_yen_per_hour" DOUBLE PRECISION NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,
    "acknowledge_reason" TEXT,
    CONSTRAINT "bank_alarm_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bank_alarm_acknowledged_whole" CHECK (("acknowledged_at" IS NULL) = ("acknowledged_by_id" IS NULL) AND ("acknowledged_at" IS NULL) = ("acknowledge_reason" IS NULL))
);

CREATE UNIQUE INDEX "bank_alarm_bank_code_confirmed_at_key" ON "bank_alarm"("bank_code", "confirmed_at");
CREATE INDEX "bank_alarm_ended_at_idx" ON "bank_alarm"("ended_at");

ALTER TABLE "bank_alarm" ADD CONSTRAINT "bank_alarm_bank_code_fkey" FOREIGN KEY ("bank_code") REFERENCES "bank"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bank_alarm" ADD CONSTRAINT "bank_alarm_acknowledged_by_id_fkey" FOREIGN KEY ("acknowledged_by_id") REFERENCES "staff_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
