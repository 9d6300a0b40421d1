import { text } from "./schema-blocks.ts";
import { REASON_LENGTH_MAX, REASON_LENGTH_MIN } from "./limits.ts";

/** Every staff mutation carries a reason, recorded in the audit log and shown to other staff, so a
 * one-word reason is refused. The one reason schema: every feature's inputs use it. */
export const Reason = text()
  .trim()
  .min(REASON_LENGTH_MIN, `Give a reason of at least ${REASON_LENGTH_MIN} characters`)
  .max(REASON_LENGTH_MAX, `Keep the reason under ${REASON_LENGTH_MAX} characters`)
  .meta({ description: "Why this action was taken (recorded in the audit log)" });
