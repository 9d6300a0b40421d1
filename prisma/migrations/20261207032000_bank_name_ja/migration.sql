-- A bank's Japanese name (#13 §4: the console in Japanese names banks as a Japanese operator does,
-- e.g. 七十七銀行 for The 77 Bank). The reference seed fills it (server/features/reference/
-- seed-reference.ts), also for banks stored before it existed.
ALTER TABLE "bank" ADD COLUMN "name_ja" TEXT;
