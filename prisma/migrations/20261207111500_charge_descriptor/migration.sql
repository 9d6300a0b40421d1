-- The statement descriptor of a charge (#18): what the customer's passbook prints for the debit, as
-- the wallet platform reports it in charge.completed (optional). NULL: the platform sent none.
-- Adding a nullable column without a default rewrites nothing.
ALTER TABLE "charge" ADD COLUMN "descriptor" VARCHAR(24);
