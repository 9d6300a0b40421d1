// Walks the audit hash chain in id order, a chunk at a time, recomputing every hash in SQL with the
// same function the insert trigger uses (migration 20261125050000_audit_hash_chain). Each chunk is
// one statement: PostgreSQL recomputes the hashes and compares every link; only the first broken
// record (if any) comes back.
import type pg from "pg";
import { rows, sql, type Sql } from "../../db/sql.ts";
import type { ChainVerification } from "../../../shared/audit/schemas.ts";

export const GENESIS_HASH = "0".repeat(64);
const CHUNK_ROWS = 5_000;

interface ChunkRow {
  row_count: number;
  last_id: string | null;
  last_hash: string | null;
  broken_id: string | null;
  broken_problem: string | null;
}

const chunkSql = (afterId: string, expectedPrev: string, chunkRows: number): Sql => sql`
WITH c AS (
  SELECT e.id, e.prev_hash, e.hash, audit_event_hash(e.prev_hash, e) AS computed
  FROM audit_event e
  WHERE e.id > ${afterId}
  ORDER BY e.id
  LIMIT ${chunkRows}
), l AS (
  SELECT c.*, COALESCE(lag(c.hash) OVER (ORDER BY c.id), ${expectedPrev}) AS expected_prev FROM c
)
SELECT
  (SELECT count(*)::int FROM l) AS row_count,
  (SELECT l.id::text AS t FROM l ORDER BY l.id DESC LIMIT 1) AS last_id,
  (SELECT l.hash FROM l ORDER BY l.id DESC LIMIT 1) AS last_hash,
  b.id::text AS broken_id,
  b.problem AS broken_problem
FROM (SELECT 1) one
LEFT JOIN LATERAL (
  SELECT id,
    CASE
      WHEN hash IS NULL OR prev_hash IS NULL THEN 'not chained'
      WHEN prev_hash IS DISTINCT FROM expected_prev THEN 'does not follow the record before it (a record was removed, inserted or rewritten)'
      ELSE 'content changed after it was written'
    END AS problem
  FROM l
  WHERE hash IS NULL OR prev_hash IS DISTINCT FROM expected_prev OR hash IS DISTINCT FROM computed
  ORDER BY id
  LIMIT 1
) b ON true`;

/** Verifies the whole chain; stops at the first broken record. */
export async function verifyAuditChain(pool: pg.Pool, opts: { chunkRows?: number } = {}): Promise<ChainVerification> {
  const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
  let afterId = "0";
  let expectedPrev = GENESIS_HASH;
  let verifiedCount = 0;
  let lastVerifiedId: number | null = null;
  for (;;) {
    const [chunk] = await rows<ChunkRow>(pool, chunkSql(afterId, expectedPrev, chunkRows));
    if (chunk.broken_id !== null) {
      const brokenId = Number(chunk.broken_id);
      // Everything before the broken record in this chunk did verify.
      const [before] = await rows<{ n: number; last: string | null }>(
        pool,
        sql`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_event WHERE id > ${afterId} AND id < ${chunk.broken_id}`,
      );
      verifiedCount += before.n;
      lastVerifiedId = before.last !== null ? Number(before.last) : lastVerifiedId;
      return { status: "BROKEN", verifiedCount, lastVerifiedId, brokenAtId: brokenId, problem: chunk.broken_problem ?? "broken", headId: null, checkedAt: new Date() };
    }
    if (chunk.row_count === 0) break;
    verifiedCount += chunk.row_count;
    lastVerifiedId = Number(chunk.last_id);
    afterId = chunk.last_id!;
    expectedPrev = chunk.last_hash!;
    if (chunk.row_count < chunkRows) break;
  }
  // The head records where the chain must end: rows cut off the end show up here.
  const head = await rows<{ last_id: string; last_hash: string }>(pool, sql`SELECT last_id::text, last_hash FROM audit_chain_head WHERE id = 1`);
  const headId = head[0] ? Number(head[0].last_id) : null;
  if (!head[0] || head[0].last_hash !== expectedPrev || (lastVerifiedId ?? 0) !== headId) {
    return {
      status: "BROKEN",
      verifiedCount,
      lastVerifiedId,
      brokenAtId: (lastVerifiedId ?? 0) + 1,
      problem: head[0] ? `the log ends at #${lastVerifiedId ?? 0} but the chain head says #${headId}: records were removed from the end` : "the chain head is missing",
      headId,
      checkedAt: new Date(),
    };
  }
  return { status: "VERIFIED", verifiedCount, lastVerifiedId, brokenAtId: null, problem: null, headId, checkedAt: new Date() };
}
