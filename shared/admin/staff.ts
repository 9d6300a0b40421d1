import { z } from "zod";
import { text } from "../schema-blocks.ts";
import { Role } from "../auth/roles.ts";
import { Reason } from "../reason.ts";

export const STAFF_PASSWORD_LENGTH_MIN = 12;
export const STAFF_PASSWORD_LENGTH_MAX = 200;
export const API_KEY_NAME_LENGTH_MAX = 80;

const Email = text().trim().toLowerCase().email("Enter an email address").max(200);
const Name = text().trim().min(1, "Enter a name").max(100, "Keep the name under 100 characters");
// Length is what makes a password strong; no composition rules (NIST SP 800-63B).
const Password = text()
  .min(STAFF_PASSWORD_LENGTH_MIN, `Use at least ${STAFF_PASSWORD_LENGTH_MIN} characters`)
  .max(STAFF_PASSWORD_LENGTH_MAX, `Keep the password under ${STAFF_PASSWORD_LENGTH_MAX} characters`);
const StaffId = z.uuid("Not a staff member's id");

export const CreateStaffInput = z.strictObject({ email: Email, name: Name, role: Role, initialPassword: Password, reason: Reason });
export const SetRoleInput = z.strictObject({ userId: StaffId, role: Role, reason: Reason });
export const StaffActionInput = z.strictObject({ userId: StaffId, reason: Reason });
export const ResetPasswordInput = z.strictObject({ userId: StaffId, newPassword: Password, reason: Reason });

export const CreateApiKeyInput = z.strictObject({
  name: text().trim().min(1, "Name the key after its user, e.g. 'wallet platform (prod)'").max(API_KEY_NAME_LENGTH_MAX),
  reason: Reason,
});
export const RevokeApiKeyInput = z.strictObject({ keyId: z.uuid("Not an API key's id"), reason: Reason });
