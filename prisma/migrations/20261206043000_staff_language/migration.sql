-- Each person's chosen console language (English or Japanese), so the choice follows them to any browser.
ALTER TABLE "staff_user" ADD COLUMN "language" VARCHAR(5);
