// Audit records in the reader's language: the one label of each action (client/i18n/*/audit.ts
// `actions`, keyed by shared/audit/actions.ts), of each kind of target, and of the actor's role.
// An action or target the catalogs do not know (an older record) shows as stored.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { auditActionKey } from "../../../shared/audit/actions.ts";

export function useAuditWords() {
  const { t, i18n } = useTranslation(["audit", "common"]);
  return useMemo(
    () => ({
      action: (action: string) => t(`audit:actions.${auditActionKey(action)}` as "audit:actions.suspension_create", { defaultValue: action }),
      targetType: (type: string) => t(`audit:targetTypes.${type}` as "audit:targetTypes.bank", { defaultValue: type }),
      role: (role: string) => t(`common:roles.${role}` as "common:roles.ADMIN", { defaultValue: role }),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, i18n.language],
  );
}
