-- Incremental sharing facts (#16): how many wallets share each device, IP address and bank
-- account, kept up to date as rows arrive instead of counted again for every scored wallet.
-- Statement-level triggers on the base tables update them set-based, once per statement (one per
-- ingested batch): every writer (ingestion, the demo loader, test fixtures) keeps them current.
-- Inserts add to the counts (commutative, so the arrival order of events does not matter, and a
-- duplicate event stores no row). Deletes and key changes, which only tests and repairs make,
-- recount the keys they touch. Each group also keeps the latest instant among its members, so a
-- reader scoring "as of" an earlier instant knows when it must count from the base tables instead
-- (server/features/accounts/facts.ts). test/sharing-facts.parity.test.ts checks them against a
-- count from scratch over random, out-of-order, duplicated and late event sequences.

CREATE TABLE "device_sharing" (
    "device_id" TEXT NOT NULL,
    "wallets" INTEGER NOT NULL,
    "latest_opened_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "device_sharing_pkey" PRIMARY KEY ("device_id")
);

CREATE TABLE "ip_sharing" (
    "ip_address" TEXT NOT NULL,
    "wallets" INTEGER NOT NULL,
    "latest_opened_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ip_sharing_pkey" PRIMARY KEY ("ip_address")
);

-- Each (bank account, wallet) pair once, with the first instant the wallet pointed at it.
CREATE TABLE "bank_account_wallet" (
    "bank_code" CHAR(4) NOT NULL,
    "branch_code" CHAR(3) NOT NULL,
    "account_number" CHAR(7) NOT NULL,
    "account_id" VARCHAR(64) NOT NULL,
    "first_linked_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "bank_account_wallet_pkey" PRIMARY KEY ("bank_code", "branch_code", "account_number", "account_id")
);

-- Distinct wallets per bank account. latest_linked_at is an upper bound of the pairs' first_linked_at
-- (a late event can lower a pair's instant but never raises the bound), which is all a reader needs.
CREATE TABLE "bank_account_sharing" (
    "bank_code" CHAR(4) NOT NULL,
    "branch_code" CHAR(3) NOT NULL,
    "account_number" CHAR(7) NOT NULL,
    "wallets" INTEGER NOT NULL,
    "latest_linked_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "bank_account_sharing_pkey" PRIMARY KEY ("bank_code", "branch_code", "account_number")
);

CREATE INDEX "device_sharing_shared_idx" ON "device_sharing" ("device_id") INCLUDE ("wallets", "latest_opened_at") WHERE "wallets" > 1;
CREATE INDEX "ip_sharing_shared_idx" ON "ip_sharing" ("ip_address") INCLUDE ("wallets", "latest_opened_at") WHERE "wallets" > 1;
CREATE INDEX "bank_account_sharing_shared_idx" ON "bank_account_sharing" ("bank_code", "branch_code", "account_number") INCLUDE ("wallets", "latest_linked_at") WHERE "wallets" > 1;

-- The counts of what exists already.
INSERT INTO "device_sharing" SELECT device_id, count(*), max(opened_at) FROM wallet_account WHERE device_id IS NOT NULL GROUP BY device_id;
INSERT INTO "ip_sharing" SELECT ip_address, count(*), max(opened_at) FROM wallet_account WHERE ip_address IS NOT NULL GROUP BY ip_address;
INSERT INTO "bank_account_wallet"
  SELECT v.bank_code, v.branch_code, v.account_number, l.account_id, min(v.valid_from)
  FROM bank_link_version v JOIN bank_link l ON l.id = v.link_id
  GROUP BY v.bank_code, v.branch_code, v.account_number, l.account_id;
INSERT INTO "bank_account_sharing"
  SELECT bank_code, branch_code, account_number, count(*), max(first_linked_at) FROM bank_account_wallet
  GROUP BY bank_code, branch_code, account_number;

-- Wallets opened: add to their device's and IP address's counts (keys in order: concurrent batches
-- lock shared rows in one order).
CREATE FUNCTION sharing_wallets_inserted() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO device_sharing AS s (device_id, wallets, latest_opened_at)
    SELECT device_id, count(*), max(opened_at) FROM new_rows WHERE device_id IS NOT NULL GROUP BY device_id ORDER BY device_id
  ON CONFLICT (device_id) DO UPDATE SET wallets = s.wallets + EXCLUDED.wallets, latest_opened_at = GREATEST(s.latest_opened_at, EXCLUDED.latest_opened_at)\073
  INSERT INTO ip_sharing AS s (ip_address, wallets, latest_opened_at)
    SELECT ip_address, count(*), max(opened_at) FROM new_rows WHERE ip_address IS NOT NULL GROUP BY ip_address ORDER BY ip_address
  ON CONFLICT (ip_address) DO UPDATE SET wallets = s.wallets + EXCLUDED.wallets, latest_opened_at = GREATEST(s.latest_opened_at, EXCLUDED.latest_opened_at)\073
  RETURN NULL\073
END ';

-- Recounts the given devices and IP addresses from wallet_account (deletes and key changes).
CREATE FUNCTION sharing_wallets_recount(devices TEXT[], ips TEXT[]) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM device_sharing WHERE device_id = ANY(devices)\073
  INSERT INTO device_sharing SELECT device_id, count(*), max(opened_at) FROM wallet_account
    WHERE device_id = ANY(devices) GROUP BY device_id\073
  DELETE FROM ip_sharing WHERE ip_address = ANY(ips)\073
  INSERT INTO ip_sharing SELECT ip_address, count(*), max(opened_at) FROM wallet_account
    WHERE ip_address = ANY(ips) GROUP BY ip_address\073
END ';

CREATE FUNCTION sharing_wallets_deleted() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM sharing_wallets_recount(
    ARRAY(SELECT DISTINCT device_id FROM old_rows WHERE device_id IS NOT NULL),
    ARRAY(SELECT DISTINCT ip_address FROM old_rows WHERE ip_address IS NOT NULL))\073
  RETURN NULL\073
END ';

CREATE FUNCTION sharing_wallet_keys_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM sharing_wallets_recount(
    ARRAY_REMOVE(ARRAY[OLD.device_id, NEW.device_id], NULL),
    ARRAY_REMOVE(ARRAY[OLD.ip_address, NEW.ip_address], NULL))\073
  RETURN NULL\073
END ';

CREATE FUNCTION sharing_wallets_truncated() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  TRUNCATE device_sharing, ip_sharing\073
  RETURN NULL\073
END ';

CREATE TRIGGER sharing_wallets_inserted AFTER INSERT ON wallet_account
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sharing_wallets_inserted();
CREATE TRIGGER sharing_wallets_deleted AFTER DELETE ON wallet_account
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sharing_wallets_deleted();
CREATE TRIGGER sharing_wallet_keys_changed AFTER UPDATE OF device_id, ip_address, opened_at ON wallet_account
  FOR EACH ROW EXECUTE FUNCTION sharing_wallet_keys_changed();
CREATE TRIGGER sharing_wallets_truncated AFTER TRUNCATE ON wallet_account
  FOR EACH STATEMENT EXECUTE FUNCTION sharing_wallets_truncated();

-- Bank link versions stored: new (bank account, wallet) pairs add one to their bank account's
-- count, a pair seen before only keeps its earliest instant.
CREATE FUNCTION sharing_versions_inserted() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  WITH pairs AS (
    INSERT INTO bank_account_wallet AS p (bank_code, branch_code, account_number, account_id, first_linked_at)
      SELECT v.bank_code, v.branch_code, v.account_number, l.account_id, min(v.valid_from)
      FROM new_rows v JOIN bank_link l ON l.id = v.link_id
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (bank_code, branch_code, account_number, account_id) DO UPDATE SET first_linked_at = EXCLUDED.first_linked_at
      WHERE EXCLUDED.first_linked_at < p.first_linked_at
    RETURNING p.bank_code, p.branch_code, p.account_number, p.first_linked_at, (p.xmax = 0) AS fresh
  )
  INSERT INTO bank_account_sharing AS s (bank_code, branch_code, account_number, wallets, latest_linked_at)
    SELECT bank_code, branch_code, account_number, count(*) FILTER (WHERE fresh), max(first_linked_at)
    FROM pairs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (bank_code, branch_code, account_number) DO UPDATE
    SET wallets = s.wallets + EXCLUDED.wallets, latest_linked_at = GREATEST(s.latest_linked_at, EXCLUDED.latest_linked_at)\073
  RETURN NULL\073
END ';

-- Recounts the given bank accounts (deletes and key changes).
CREATE FUNCTION sharing_versions_recount(banks TEXT[], branches TEXT[], numbers TEXT[]) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  DELETE FROM bank_account_wallet p USING (SELECT DISTINCT * FROM unnest(banks::char(4)[], branches::char(3)[], numbers::char(7)[]) AS u(bank_code, branch_code, account_number)) k
    WHERE p.bank_code = k.bank_code AND p.branch_code = k.branch_code AND p.account_number = k.account_number\073
  INSERT INTO bank_account_wallet
    SELECT v.bank_code, v.branch_code, v.account_number, l.account_id, min(v.valid_from)
    FROM (SELECT DISTINCT * FROM unnest(banks::char(4)[], branches::char(3)[], numbers::char(7)[]) AS u(bank_code, branch_code, account_number)) k
    JOIN bank_link_version v ON v.bank_code = k.bank_code AND v.branch_code = k.branch_code AND v.account_number = k.account_number
    JOIN bank_link l ON l.id = v.link_id
    GROUP BY 1, 2, 3, 4\073
  DELETE FROM bank_account_sharing s USING (SELECT DISTINCT * FROM unnest(banks::char(4)[], branches::char(3)[], numbers::char(7)[]) AS u(bank_code, branch_code, account_number)) k
    WHERE s.bank_code = k.bank_code AND s.branch_code = k.branch_code AND s.account_number = k.account_number\073
  INSERT INTO bank_account_sharing
    SELECT p.bank_code, p.branch_code, p.account_number, count(*), max(p.first_linked_at)
    FROM (SELECT DISTINCT * FROM unnest(banks::char(4)[], branches::char(3)[], numbers::char(7)[]) AS u(bank_code, branch_code, account_number)) k
    JOIN bank_account_wallet p ON p.bank_code = k.bank_code AND p.branch_code = k.branch_code AND p.account_number = k.account_number
    GROUP BY 1, 2, 3\073
END ';

CREATE FUNCTION sharing_versions_deleted() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM sharing_versions_recount(ARRAY(SELECT bank_code::text FROM old_rows), ARRAY(SELECT branch_code::text FROM old_rows), ARRAY(SELECT account_number::text FROM old_rows))\073
  RETURN NULL\073
END ';

CREATE FUNCTION sharing_version_keys_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM sharing_versions_recount(ARRAY[OLD.bank_code, NEW.bank_code]::text[], ARRAY[OLD.branch_code, NEW.branch_code]::text[], ARRAY[OLD.account_number, NEW.account_number]::text[])\073
  RETURN NULL\073
END ';

CREATE FUNCTION sharing_versions_truncated() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  TRUNCATE bank_account_wallet, bank_account_sharing\073
  RETURN NULL\073
END ';

CREATE TRIGGER sharing_versions_inserted AFTER INSERT ON bank_link_version
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sharing_versions_inserted();
CREATE TRIGGER sharing_versions_deleted AFTER DELETE ON bank_link_version
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sharing_versions_deleted();
CREATE TRIGGER sharing_version_keys_changed AFTER UPDATE OF bank_code, branch_code, account_number, valid_from, link_id ON bank_link_version
  FOR EACH ROW EXECUTE FUNCTION sharing_version_keys_changed();
CREATE TRIGGER sharing_versions_truncated AFTER TRUNCATE ON bank_link_version
  FOR EACH STATEMENT EXECUTE FUNCTION sharing_versions_truncated();
