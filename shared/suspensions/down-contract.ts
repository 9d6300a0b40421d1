// "When we are down": what the wallet platform does when a decision call gets no answer in time.
// One table per decision kind, read by the OpenAPI document (server/features/suspensions/
// decisions.routes.ts), the README's wallet-platform section and `npm run simulate`, so the three
// cannot drift apart. Pure: no I/O.
//
// "No answer" is: no HTTP response within the timeout, a connection error, or any response other
// than a 200 with a decision (5xx, 429 and, as a platform-side bug to fix, 4xx). The platform makes
// one attempt per action (a retry inside the timeout would only double the customer's wait) and
// sends what it then did as events, as usual: charges made under the fallback arrive as charges
// nobody asked about (the console's Feed health page counts them) and, when they fall under a
// suspension or on a quarantined link, as policy violations for review.

export type DownFallback = "FAIL_CLOSED" | "FAIL_OPEN_BELOW_LIMIT";

export interface DownPolicy {
  /** the decision endpoint under /api/v1 */
  path: string;
  /** how long the platform waits for our answer before it applies the fallback */
  timeoutMs: number;
  fallback: DownFallback;
  /** FAIL_OPEN_BELOW_LIMIT: the largest single charge allowed without our answer */
  openLimitYen?: number;
  /** FAIL_OPEN_BELOW_LIMIT: the most one link may charge in total without our answer, until we answer again */
  openLimitPerLinkYen?: number;
  /** one or two sentences: why, as a payment-risk engineer would put it */
  why: string;
}

export type DownDecisionKind = "LINK_REGISTRATION" | "LINK_CHANGE" | "CHARGE";

export const DOWN_CONTRACT: Record<DownDecisionKind, DownPolicy> = {
  LINK_REGISTRATION: {
    path: "/api/v1/decisions/link-registration",
    timeoutMs: 2_000,
    fallback: "FAIL_CLOSED",
    why:
      "A new link is how an attack starts (a victim's bank account tied to a fraudster's wallet through a weak link page), and a link made while we are " +
      "blind cannot be undone once it has charged; an honest customer who is refused can try again in a minute. The customer is already waiting on " +
      "the bank's own page, so a generous timeout costs little.",
  },
  LINK_CHANGE: {
    path: "/api/v1/decisions/link-change",
    timeoutMs: 2_000,
    fallback: "FAIL_CLOSED",
    why:
      "Changing a link to another bank account is a new link at that bank (the same attack, through an old wallet), and it must not let a " +
      "quarantined link escape review; changes are rare and can wait.",
  },
  CHARGE: {
    path: "/api/v1/decisions/charge",
    timeoutMs: 500,
    fallback: "FAIL_OPEN_BELOW_LIMIT",
    openLimitYen: 30_000,
    openLimitPerLinkYen: 30_000,
    why:
      "Charges are the business: refusing every top-up while we are down would stop the wallet for everyone, and most honest top-ups are small " +
      "while a ring charges near the limits (¥90,000–¥100,000) within minutes of linking. So a charge of " +
      "at most ¥30,000 goes through without our answer and anything larger is refused, and one link takes at most ¥30,000 in total that way, " +
      "which bounds what one stolen link can yield during an outage. The timeout is short because the customer is at a checkout.",
  },
};

export const DOWN_DECISION_KINDS = Object.keys(DOWN_CONTRACT) as DownDecisionKind[];

export interface FallbackInput {
  /** CHARGE only: the amount asked for */
  amountYen?: number;
  /** CHARGE only: yen this link already charged under the fallback since our last answer */
  openYenOnLink?: number;
}

/** What the platform does when the decision for `kind` got no answer in time. */
export function fallbackDecision(kind: DownDecisionKind, input: FallbackInput = {}): "allow" | "deny" {
  const p = DOWN_CONTRACT[kind];
  if (p.fallback === "FAIL_CLOSED") return "deny";
  const amount = input.amountYen ?? Number.POSITIVE_INFINITY;
  const already = input.openYenOnLink ?? 0;
  return amount <= (p.openLimitYen ?? 0) && already + amount <= (p.openLimitPerLinkYen ?? 0) ? "allow" : "deny";
}

const yen = (n: number) => `¥${n.toLocaleString("en-US")}`;

/** The policy of one kind in words (OpenAPI operation descriptions, README). */
export function describeDownPolicy(kind: DownDecisionKind): string {
  const p = DOWN_CONTRACT[kind];
  const what =
    p.fallback === "FAIL_CLOSED"
      ? `**fail closed**: treat it as a deny`
      : `**fail open below a limit**: allow a charge of at most ${yen(p.openLimitYen!)} when the link has charged at most ${yen(p.openLimitPerLinkYen!)} in total ` +
        `without our answer (this charge included) since we last answered; refuse anything else`;
  return `When we do not answer within ${p.timeoutMs} ms (no response, a connection error, or anything but a 200 with a decision): ${what}. ${p.why}`;
}

/** The contract as a Markdown table (the OpenAPI document's description). */
export function downContractMarkdown(): string {
  const rows = DOWN_DECISION_KINDS.map((k) => {
    const p = DOWN_CONTRACT[k];
    const fallback =
      p.fallback === "FAIL_CLOSED" ? "fail closed (deny)" : `fail open up to ${yen(p.openLimitYen!)} per charge and ${yen(p.openLimitPerLinkYen!)} per link, closed above`;
    return `| \`POST ${p.path}\` | ${p.timeoutMs} ms | ${fallback} |`;
  });
  return [
    "**When we are down.** Ask once per action and wait at most the timeout below. No answer in time (no response, a connection error, or anything but a 200 " +
      "with a decision) means: apply the fallback, do not retry inside the timeout, and send the resulting events as usual.",
    "",
    "| decision | timeout | without our answer |",
    "| --- | --- | --- |",
    ...rows,
    "",
    "Charges made under the fallback arrive as charges nobody asked about (counted on the console's Feed health page) and, when they fall under a " +
      "suspension or on a quarantined link, as policy violations. Each operation carries the same policy in `x-floodgate-when-down`.",
  ].join("\n");
}
