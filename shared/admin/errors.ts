// Staff and API-key administration error codes as data (same shape as shared/suspensions/errors.ts).
import type { ErrorRegistry } from "../errors.ts";

export const ADMIN_ERRORS = {
  STAFF_NOT_FOUND: { status: 404, message: "There is no such staff member." },
  STAFF_EMAIL_TAKEN: { status: 409, message: "Someone already has this email address." },
  OWN_ADMIN_ROLE: { status: 409, message: "You cannot take away your own administrator role." },
  LAST_ADMIN: { status: 409, message: "This is the last active administrator; make someone else an administrator first." },
  STAFF_ALREADY_INACTIVE: { status: 409, message: "This person is already deactivated." },
  STAFF_ALREADY_ACTIVE: { status: 409, message: "This person is already active." },
  API_KEY_NOT_FOUND: { status: 404, message: "There is no such API key." },
  API_KEY_ALREADY_REVOKED: { status: 409, message: "This key is already revoked." },
  WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, message: "There is no such webhook endpoint." },
  WEBHOOK_ENDPOINT_ALREADY_ENABLED: { status: 409, message: "This webhook endpoint is already enabled." },
  WEBHOOK_ENDPOINT_ALREADY_DISABLED: { status: 409, message: "This webhook endpoint is already disabled." },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, message: "There is no such webhook delivery." },
} as const satisfies ErrorRegistry;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;
