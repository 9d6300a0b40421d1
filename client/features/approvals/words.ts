// A change request in the reader's language, from its kind, payload and subject (the server's English
// summary stays the fallback and what the audit log keeps), and why this person may not decide it.
import { useTranslation } from "react-i18next";
import type { ChangePayload, ChangeSubject } from "../../../shared/approvals/schemas.ts";
import { useScopeWords } from "../../i18n/words.ts";
import { codeWords } from "../../lib/errors.ts";
import type { ErrorCode } from "../../../shared/errors.ts";
import { useBankName } from "../../components/bank-names.ts";

export function useChangeWords() {
  const { t } = useTranslation(["approvals", "common"]);
  const scopeWords = useScopeWords();
  const bankName = useBankName();
  return {
    summary: (c: { payload: ChangePayload; subject: ChangeSubject; summary: string }) => {
      const p = c.payload;
      switch (p.kind) {
        case "LIFT_SUSPENSION":
          return c.subject.bankCode
            ? t("summary.LIFT_SUSPENSION", { code: c.subject.bankCode, name: bankName(c.subject.bankCode, c.subject.bankName), scopes: scopeWords(c.subject.scopes ?? []) })
            : t("summary.LIFT_SUSPENSION_unknown");
        case "RAISE_APPROVAL_THRESHOLD":
          return t("summary.RAISE_APPROVAL_THRESHOLD", { value: p.valueYen });
        case "GRANT_ROLE":
          return c.subject.email ? t("summary.GRANT_ROLE", { email: c.subject.email, role: t(`common:roles.${p.role}`) }) : c.summary;
        default:
          return c.summary;
      }
    },
    whyNot: (c: { whyNot: string | null; whyNotCode: ErrorCode | null }) => codeWords(c.whyNotCode, c.whyNot),
  };
}
