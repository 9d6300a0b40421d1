// The console as the platform reaches it: the decision API under the down contract
// (shared/suspensions/down-contract.ts) and the events endpoint behind an outbox.
import { EVENTS_PER_BATCH_MAX, type PlatformEvent } from "../../../shared/events/schemas.ts";
import { DOWN_CONTRACT, fallbackDecision, type DownDecisionKind } from "../../../shared/suspensions/down-contract.ts";
import { fail } from "./options.ts";
import type { SimulateStats } from "./report.ts";

export type Decision = { decision: "allow" | "deny"; reason?: string };

const unansweredKey = { LINK_REGISTRATION: "registration", LINK_CHANGE: "change", CHARGE: "charge" } as const;
const EVENTS_TIMEOUT_MS = 15_000;

export class ConsoleApi {
  /** The decision API answered 404 (not built yet): every decision counted as allow. */
  decisionEndpointsMissing = false;
  // The platform's outbox: events are sent in order; a batch the console did not take (no answer,
  // 5xx, 429) stays at the head and is sent again with the next second's events.
  private readonly outbox: PlatformEvent[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly stats: SimulateStats,
  ) {}

  /** Events queued and not taken by the console yet. */
  get pending(): number {
    return this.outbox.length;
  }

  private async post(pathName: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: any }> {
    const res = await fetch(`${this.baseUrl}${pathName}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.apiKey}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = { message: text.slice(0, 200) };
    }
    if (res.status === 401) fail("the console refused the API key (401): pass --key with a valid platform key");
    return { status: res.status, json };
  }

  /**
   * Asks the decision API within the kind's timeout (the down contract). No answer in time, a
   * connection error or anything but a 200 with a decision: the contract's fallback, counted. A
   * missing endpoint (404, not built yet) counts as allow.
   */
  async decide(kind: DownDecisionKind, body: unknown, fallbackInput: { amountYen?: number; openYenOnLink?: number } = {}): Promise<Decision & { answered: boolean }> {
    const policy = DOWN_CONTRACT[kind];
    let answer: { status: number; json: any } | null = null;
    try {
      answer = await this.post(policy.path, body, policy.timeoutMs);
    } catch {
      answer = null; // timed out or no connection
    }
    if (answer?.status === 404 && answer.json?.code === "NOT_FOUND") {
      this.decisionEndpointsMissing = true;
      return { decision: "allow", answered: true };
    }
    if (answer?.status === 200 && (answer.json?.decision === "allow" || answer.json?.decision === "deny")) return { ...(answer.json as Decision), answered: true };
    const decision = fallbackDecision(kind, fallbackInput);
    const k = unansweredKey[kind];
    this.stats.unanswered[k][decision === "allow" ? "open" : "closed"]++;
    return { decision, reason: "NO_ANSWER", answered: false };
  }

  /** Queues the events and sends the outbox; false when the console did not take it (kept for later). */
  async send(events: PlatformEvent[]): Promise<boolean> {
    const { outbox, stats } = this;
    outbox.push(...events);
    while (outbox.length > 0) {
      const batch = outbox.slice(0, EVENTS_PER_BATCH_MAX);
      let answer: { status: number; json: any } | null = null;
      try {
        answer = await this.post("/api/v1/events", { events: batch }, EVENTS_TIMEOUT_MS);
      } catch {
        answer = null;
      }
      if (!answer || answer.status >= 500 || answer.status === 429) {
        stats.queued = outbox.length;
        return false;
      }
      const { status, json } = answer;
      if (status !== 200) fail(`POST /api/v1/events answered ${status}: ${json?.message ?? ""}`);
      outbox.splice(0, batch.length);
      stats.queued = outbox.length;
      stats.sent += batch.length;
      stats.accepted += json.accepted;
      stats.duplicates += json.duplicates;
      stats.rejected += json.rejected.length;
      for (const r of json.rejected.slice(0, 3)) console.log(`[simulate]   rejected #${r.index} ${r.code}: ${r.message}`);
      for (const e of batch) stats.byType[e.type] = (stats.byType[e.type] ?? 0) + 1;
    }
    return true;
  }
}
