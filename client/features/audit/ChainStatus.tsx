// The tamper-evident hash chain of the audit log: verified up to which record, or where it breaks.
import { Badge, Loader, Tooltip } from "@mantine/core";
import { IconShieldCheck, IconShieldX } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../lib/errors.ts";
import { useAuditVerify } from "./queries.ts";

export function ChainStatus() {
  const { t } = useTranslation("audit");
  const v = useAuditVerify();
  if (v.isPending) return <Badge color="gray" variant="light" leftSection={<Loader size={10} />}>{t("chain.checking")}</Badge>;
  if (v.error) return <Badge color="orange" variant="light">{t("chain.notChecked", { error: errorMessage(v.error) })}</Badge>;
  const d = v.data;
  if (d.status === "VERIFIED") {
    return (
      <Tooltip label={t("chain.verifiedTip", { value: d.verifiedCount })}>
        <Badge color="green" variant="light" size="lg" leftSection={<IconShieldCheck size={14} />} data-testid="chain-status">
          {t("chain.verified", { id: d.lastVerifiedId ?? 0 })}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Tooltip label={d.problem ?? ""} multiline w={360}>
      <Badge color="red" variant="filled" size="lg" leftSection={<IconShieldX size={14} />} data-testid="chain-status">
        {t("chain.broken", { id: d.brokenAtId, last: d.lastVerifiedId ?? 0 })}
      </Badge>
    </Tooltip>
  );
}
