-- processed_event is written once per ingested event and read only by id (duplicate and conflict
-- checks). Nothing reads it by received_at, so that index was pure write cost on the hottest insert.
DROP INDEX IF EXISTS "processed_event_received_at_idx";
