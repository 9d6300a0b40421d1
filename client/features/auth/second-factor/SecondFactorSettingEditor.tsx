// The ADMIN setting that requires a second factor of every role (stored as 1/0; MANAGER and ADMIN
// need one whatever it says).
import { useState } from "react";
import { Alert, Button, Card, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../../lib/errors.ts";
import { useUpdateSetting } from "../../admin/queries.ts";
import { SECOND_FACTOR_FOR_ALL_SETTING } from "../../../../shared/auth/second-factor.ts";

export function SecondFactorSettingEditor({ label, value }: { label: string; value: number }) {
  const { t } = useTranslation(["secondFactor", "common", "admin"]);
  const [draft, setDraft] = useState(String(value));
  const [reason, setReason] = useState("");
  const update = useUpdateSetting(() => {
    notifications.show({ color: "green", message: t("admin:settings.saved", { label }) });
    setReason("");
  });
  const words = (v: number) => (v === 1 ? t("admin.settingAll") : t("admin.settingManagers"));
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Text fw={500}>{label}</Text>
        <Text size="sm" c="dimmed">{t("admin.settingNow", { value: words(value) })}</Text>
        {update.error && <Alert color="red">{errorMessage(update.error)}</Alert>}
        <Group align="flex-end">
          <Select
            label={t("admin.settingLabel")}
            data={[{ value: "1", label: words(1) }, { value: "0", label: words(0) }]}
            value={draft}
            onChange={(v) => v !== null && setDraft(v)}
            allowDeselect={false}
            w={240}
          />
          <TextInput label={t("common:reason.label")} placeholder={t("common:reason.whyChange")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={320} />
          <Button onClick={() => update.mutate({ key: SECOND_FACTOR_FOR_ALL_SETTING, value: Number(draft), reason })} loading={update.isPending} disabled={reason.trim().length < 5}>
            {t("admin:save")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
