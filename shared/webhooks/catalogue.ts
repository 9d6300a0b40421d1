// The webhook events Floodgate sends to the wallet platform (#17): the closed list, what each means
// and the shape of its `data`. The console offers these to subscribe to, the server builds payloads
// of these types (server/features/webhooks/events.ts) and the OpenAPI document describes them
// (`webhooks` section, from these zod schemas).
import { z } from "zod";
import { BANK_CODE_PATTERN } from "../bank-code.ts";

const iso = z.string().describe("ISO 8601 instant (UTC)");
const bankCode = z.string().regex(BANK_CODE_PATTERN).describe("Zengin bank code");
const scope = z.enum(["REGISTRATION", "LINK_CHANGE", "CHARGE"]);

export const SuspensionData = z.object({
  suspensionId: z.uuid(),
  bankCode,
  scopes: z.array(scope),
  startsAt: iso,
  cutoffAt: iso.describe("links registered or changed at or after this are not grandfathered"),
  quarantine: z.boolean(),
  liftedAt: iso.nullable(),
  endsAt: iso.nullable().optional().describe("when the suspension ends by itself (suspension.ended); null or absent: it lasts until lifted"),
});

export const LinkData = z.object({
  linkId: z.string(),
  bankCode,
  status: z.enum(["QUARANTINED", "ACTIVE", "REVOKED"]),
  suspensionId: z.string().nullable().describe("the suspension that quarantined the link"),
  at: iso,
});

export const WalletFlaggedData = z.object({ accountId: z.string(), riskScore: z.number().int(), flaggedAt: iso });
export const WalletStatusData = z.object({ accountId: z.string(), status: z.enum(["FROZEN", "ACTIVE"]), at: iso });
export const CompensationPaidData = z.object({
  caseId: z.uuid(),
  bankCode,
  amountYen: z.number().int(),
  payoutBatchId: z.uuid(),
  paidAt: iso,
});

export const GateData = z.object({
  suspensionId: z.uuid(),
  bankCode,
  verifiedAfter: iso.describe("grandfathered links whose holder passed a verification at or after this charge again"),
  openedAt: iso,
});

export const LimitsData = z.object({
  bankCode,
  perChargeYen: z.number().int().nullable().describe("limit per charge in yen; null: none"),
  perDayYen: z.number().int().nullable().describe("limit per link per JST calendar day; null: none"),
  perMonthYen: z.number().int().nullable().describe("limit per link per JST calendar month; null: none"),
  stepUp: z.enum(["NONE", "AFTER_CUTOFF", "ALL"]).describe("which links must pass step-up verification before charging (decision challenge)"),
  stepUpCutoffAt: iso.nullable().describe("AFTER_CUTOFF: links registered or changed at or after this"),
  changedAt: iso,
});

/** Every event type, its data schema and its meaning (English; the console words them through i18n). */
export const WEBHOOK_EVENTS = {
  "suspension.created": { data: SuspensionData, description: "A manager suspended a bank for some scopes (sent with suspension.started or suspension.scheduled)." },
  "suspension.scheduled": { data: SuspensionData, description: "The suspension starts later, at startsAt." },
  "suspension.started": { data: SuspensionData, description: "The suspension is in force from now (or it just reached its scheduled start)." },
  "suspension.gate_opened": { data: GateData, description: "A manager opened a re-verification gate on a charge suspension: grandfathered links charge again once their holder re-verified (account.verified) after verifiedAfter." },
  "suspension.lifted": { data: SuspensionData, description: "The suspension was lifted (after a second manager's approval, or as an emergency)." },
  "suspension.ended": { data: SuspensionData, description: "The suspension reached its end time and ended (lifted by the system, as a manager's lift would): decisions allow again from liftedAt." },
  "limits.changed": { data: LimitsData, description: "A manager changed a bank's charge limits or step-up verification; charge decisions apply them from now." },
  "link.quarantined": { data: LinkData, description: "A link made at or after a suspension's cutoff is quarantined: charges on it are refused until an analyst reviews it." },
  "link.released": { data: LinkData, description: "An analyst released a quarantined link: it may charge again." },
  "link.revoked": { data: LinkData, description: "An analyst revoked a quarantined link for good." },
  "wallet.flagged": { data: WalletFlaggedData, description: "A wallet account reached the flag threshold for the first time." },
  "wallet.frozen": { data: WalletStatusData, description: "Staff froze a wallet account." },
  "wallet.unfrozen": { data: WalletStatusData, description: "Staff unfroze a wallet account." },
  "compensation.paid": { data: CompensationPaidData, description: "A victim's compensation case was paid in a payout batch." },
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];
export type WebhookEventData<T extends WebhookEventType> = z.infer<(typeof WEBHOOK_EVENTS)[T]["data"]>;

/** What every delivery's body is (the bytes signed): one event. */
export const WebhookEnvelope = z.object({
  id: z.uuid().describe("the event's id: the same on every attempt and replay (deduplicate on it)"),
  type: z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]]),
  occurredAt: iso,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;
