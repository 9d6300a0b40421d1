-- The figures behind each bank alarm (#13): one entry per measure that fired
-- ({ measure, windowMinutes, observed, expected, factor }, see shared/volume/alarm-types.ts
-- AlarmReason), worded by the console in the reader's language. Alarms stored before have none.
ALTER TABLE "bank_alarm" ADD COLUMN "reasons" JSONB NOT NULL DEFAULT '[]';
