// On the overview (#12): emergency changes applied by one person stay visible to everyone until a
// second person reviews them on the approvals page.
import { Alert, Anchor, List, Stack } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCan } from "../auth/useMe.ts";
import { useChangeWords } from "./words.ts";
import { useUnreviewedEmergencies } from "./queries.ts";

export function EmergencyNotice() {
  const { t } = useTranslation("approvals");
  const canReview = useCan("approvals.list");
  const words = useChangeWords();
  const q = useUnreviewedEmergencies();
  const rows = q.data ?? [];
  if (rows.length === 0) return null;
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t("notice.title", { count: rows.length })} data-testid="emergency-notice">
      <Stack gap={4}>
        <List size="sm" spacing={2}>
          {rows.map((e) => (
            <List.Item key={e.id}>{t("notice.item", { summary: words.summary(e), email: e.appliedByEmail, at: e.appliedAt, reason: e.reason })}</List.Item>
          ))}
        </List>
        {canReview && (
          <Anchor component={Link} to="/approvals" size="sm">
            {t("notice.open")}
          </Anchor>
        )}
      </Stack>
    </Alert>
  );
}
