// Loads the demo data set on an empty database (filled in by the events feature).
import type { Database } from "../../db/client.ts";

export async function loadDemoDataIfEmpty(_db: Database, _opts: { seed: number; scale: number; log: (m: string) => void }): Promise<void> {
  // The wallet-platform events issue adds the generator and the ingestion service here.
}
