// The closed list of audit actions (feature.verb): writeAudit takes only these, so each has one human
// label in every language (client/i18n/*/audit.ts `actions`, keyed by auditActionKey; checked by
// client/i18n/catalogs.test.ts). A new audited mutation adds its action here and its words there.
export const AUDIT_ACTIONS = [
  "access.denied",
  "account.freeze",
  "account.unfreeze",
  "account.markConfirmedFraud",
  "account.markLegitimate",
  "account.reviewClaim",
  "account.reviewRelease",
  "accounts.export",
  "accounts.victimsExport",
  "accounts.rescoreAll",
  "accounts.rescoreAll.finished",
  "apiKey.create",
  "apiKey.revoke",
  "auth.signIn",
  "auth.passwordAccepted",
  "auth.signInFailed",
  "auth.signOut",
  "auth.secondFactor",
  "auth.recoveryCodeUsed",
  "auth.secondFactorEnrolled",
  "auth.secondFactorFailed",
  "chargePolicy.set",
  "change.request",
  "change.approve",
  "change.reject",
  "change.emergency",
  "change.review",
  "change.supersede",
  "compensation.create",
  "compensation.approve",
  "compensation.reject",
  "compensation.cancel",
  "compensation.createPayoutBatch",
  "compensation.downloadBatch",
  "compensation.pay",
  "compensation.batchCase",
  "compensation.markBatchSent",
  "compensation.importBankResult",
  "compensation.payoutFailed",
  "link.release",
  "link.revoke",
  "setting.update",
  "settlement.recordReimbursement",
  "settlement.setCostShare",
  "settlement.recordBankPayment",
  "reports.evidencePack",
  "spike.acknowledge",
  "staff.create",
  "staff.setRole",
  "staff.deactivate",
  "staff.reactivate",
  "staff.resetPassword",
  "staff.resetSecondFactor",
  "staff.setLanguage",
  "suspension.create",
  "suspension.lift",
  "suspension.openGate",
  "suspension.setTimes",
  "suspension.end",
  "bank.setAuthMethod",
  "webhook.createEndpoint",
  "webhook.enableEndpoint",
  "webhook.disableEndpoint",
  "webhook.replay",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The catalog key of an action ("suspension.create" → "suspension_create": i18next reads dots as nesting). */
export function auditActionKey(action: string): string {
  return action.replace(/\./g, "_");
}

/** What audit records point at (audit_event.target_type). */
export const AUDIT_TARGET_TYPES = ["bank", "account", "accounts", "link", "case", "batch", "staff", "api_key", "setting", "change", "scoring", "procedure", "webhook", "charge"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
