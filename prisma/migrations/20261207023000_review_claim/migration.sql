-- Review queue (#16): "the next flagged wallet nobody has reviewed", held by one analyst at a time.
-- One row per claimed wallet (the primary key is what makes a claim exclusive), and a claim past its
-- expiry may be taken over by anyone. Labelling the wallet deletes its claim.
CREATE TABLE "review_claim" (
  "account_id" VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES "wallet_account"("id") ON DELETE CASCADE,
  "staff_id" UUID NOT NULL REFERENCES "staff_user"("id"),
  "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "expires_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "review_claim_staff_idx" ON "review_claim" ("staff_id");
-- The queue's order: unreviewed flagged wallets, highest score first.
CREATE INDEX "wallet_account_review_queue_idx" ON "wallet_account" ("risk_score" DESC, "flagged_at", "id") WHERE "flagged_at" IS NOT NULL AND "review_label" IS NULL;
