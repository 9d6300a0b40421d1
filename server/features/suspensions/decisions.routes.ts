// POST /api/v1/decisions/*: the wallet platform asks before it acts. Thin: validate with the shared
// zod schemas (which also write the OpenAPI document), then decide.ts.
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  ChargeDecisionRequest,
  DecisionResponse,
  LinkChangeDecisionRequest,
  LinkRegistrationDecisionRequest,
} from "../../../shared/suspensions/schemas.ts";
import type { PlatformRoutes } from "../../platform-api/plugin.ts";
import { DOWN_CONTRACT, describeDownPolicy, type DownDecisionKind } from "../../../shared/suspensions/down-contract.ts";
import { decideChargeRequest, decideLinkChangeRequest, decideLinkRegistrationRequest } from "./decide.ts";

const ERRORS_NOTE =
  "Errors: 400 VALIDATION_FAILED with fieldErrors, 401 UNAUTHENTICATED without a valid key. " +
  "A denial is not an error: it is a 200 with decision \"deny\" and a reason. Every decision is recorded.";

/** The down contract of one kind, machine-readable, on its OpenAPI operation. */
const whenDown = (kind: DownDecisionKind) => {
  const { why: _why, path: _path, ...policy } = DOWN_CONTRACT[kind];
  return { "x-floodgate-when-down": policy };
};

export const decisionRoutes: PlatformRoutes = (api, { db }) => {
  const r = api.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/v1/decisions/link-registration",
    {
      schema: {
        tags: ["decisions"],
        summary: "May this wallet account register a new link at this bank?",
        description:
          "Ask before registering a link. Denied while the bank's registrations are suspended (BANK_REGISTRATION_SUSPENDED) or when the account is frozen (ACCOUNT_FROZEN). " +
          "Denied attempts are counted in the bank's REGISTRATION_DENIED volume. " +
          ERRORS_NOTE +
          "\n\n" +
          describeDownPolicy("LINK_REGISTRATION"),
        ...whenDown("LINK_REGISTRATION"),
        body: LinkRegistrationDecisionRequest,
        response: { 200: DecisionResponse },
      },
    },
    async (req) => decideLinkRegistrationRequest(db.pool, req.body),
  );

  r.post(
    "/api/v1/decisions/link-change",
    {
      schema: {
        tags: ["decisions"],
        summary: "May this link change to an account at this bank?",
        description:
          "Ask before changing a link's bank account; bankCode is the bank the link would change to. Denied when link changes are suspended at the old or the new bank " +
          "(BANK_LINK_CHANGE_SUSPENDED), registrations are suspended at the new bank (BANK_REGISTRATION_SUSPENDED), the link is quarantined or revoked, or the account is frozen. " +
          ERRORS_NOTE +
          "\n\n" +
          describeDownPolicy("LINK_CHANGE"),
        ...whenDown("LINK_CHANGE"),
        body: LinkChangeDecisionRequest,
        response: { 200: DecisionResponse },
      },
    },
    async (req) => decideLinkChangeRequest(db.pool, req.body),
  );

  r.post(
    "/api/v1/decisions/charge",
    {
      schema: {
        tags: ["decisions"],
        summary: "May this link charge this amount now?",
        description:
          "Ask before charging. Links registered before a suspension's cutoff keep charging (grandfathered). Denied when the account is frozen (ACCOUNT_FROZEN), the link is revoked " +
          "(LINK_REVOKED) or quarantined (LINK_QUARANTINED, with the suspension that quarantined it), or charges are suspended at the link's bank (BANK_CHARGES_SUSPENDED). " +
          "At a bank with charge limits, denied when the amount exceeds the limit per charge or what is left of the link's limit for the JST day or month " +
          "(CHARGE_LIMIT_PER_CHARGE, CHARGE_LIMIT_DAY, CHARGE_LIMIT_MONTH); the answer then carries `limit`, the limit that applied with the yen used and available (an allowed charge carries it too). " +
          "At a bank requiring step-up verification, decision `challenge` with STEP_UP_REQUIRED: verify the customer (OTP, eKYC), report the result as an account.verified event " +
          "(POST /api/v1/events), then ask again; a passed verification counts for a few minutes. Precedence: deny > challenge > allow. " +
          ERRORS_NOTE +
          "\n\n" +
          describeDownPolicy("CHARGE"),
        ...whenDown("CHARGE"),
        body: ChargeDecisionRequest,
        response: { 200: DecisionResponse },
      },
    },
    async (req) => decideChargeRequest(db.pool, req.body),
  );
};
