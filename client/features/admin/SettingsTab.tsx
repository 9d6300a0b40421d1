// Administration, settings tab: the compensation approval threshold (raising it waits for a second
// administrator, or takes the emergency path) and the second factor for every role.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert, Button, Card, Center, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { errorMessage } from "../../lib/errors.ts";
import { parseYenAmount } from "../../../shared/amount.ts";
import { SETTING_DEFINITIONS } from "../../../shared/admin/settings.ts";
import { AmountInput } from "../../components/AmountInput.tsx";
import { SecondFactorSettingEditor } from "../auth/second-factor/SecondFactorSettingEditor.tsx";
import { EmergencyChangeDialog, EmergencyOffer, type AdminEmergency } from "./EmergencyChangeDialog.tsx";
import { useSettings, useUpdateSetting } from "./queries.ts";

/** Settings the console knows by key get their label in the reader's language; others keep the server's. */
const SETTING_LABEL_KEYS = {
  "compensation.approvalThresholdYen": "approvalThreshold",
  "auth.secondFactorForAll": "secondFactorForAll",
  "compensation.eligibility.reportWithinDays": "reportWithinDays",
  "compensation.eligibility.lossWithinDays": "lossWithinDays",
  "compensation.eligibility.refuseReimbursed": "refuseReimbursed",
} as const;
function useSettingLabel() {
  const { t } = useTranslation("admin");
  return (key: string, serverLabel: string) => {
    const k = SETTING_LABEL_KEYS[key as keyof typeof SETTING_LABEL_KEYS];
    return k ? t(`settings.label.${k}`) : serverLabel;
  };
}

/** The approval threshold's bounds, read from the schema the server validates with. */
const THRESHOLD_LIMITS = { min: SETTING_DEFINITIONS["compensation.approvalThresholdYen"].schema.minValue ?? 1, max: SETTING_DEFINITIONS["compensation.approvalThresholdYen"].schema.maxValue ?? undefined };

function SettingEditor({ settingKey, label, value }: { settingKey: "compensation.approvalThresholdYen"; label: string; value: number }) {
  const { t } = useTranslation("admin");
  const [draft, setDraft] = useState(String(value));
  const reading = parseYenAmount(draft, THRESHOLD_LIMITS);
  const [reason, setReason] = useState("");
  const [emergency, setEmergency] = useState<AdminEmergency | null>(null);
  const update = useUpdateSetting((r) => {
    notifications.show({ color: "green", message: r.pendingRequestId ? t("settings.raiseWaits") : t("settings.saved", { label }) });
    setReason("");
  });
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Text fw={500}>{label}</Text>
        <Text size="sm" c="dimmed">
          {t("settings.now", { value })}
        </Text>
        {update.error && <Alert color="red">{errorMessage(update.error)}</Alert>}
        <Group align="flex-end">
          <AmountInput label={t("settings.newValue")} value={draft} onChange={setDraft} limits={THRESHOLD_LIMITS} w={200} />
          <TextInput label={t("reasonModal.label")} placeholder={t("settings.reasonPlaceholder")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={320} />
          <Button onClick={() => reading.ok && update.mutate({ key: settingKey, value: reading.value, reason })} loading={update.isPending} disabled={!reading.ok || reason.trim().length < 5}>
            {t("save")}
          </Button>
        </Group>
        {reading.ok && reading.value > value && <EmergencyOffer onOpen={() => setEmergency({ kind: "RAISE_APPROVAL_THRESHOLD", valueYen: reading.value, fromYen: value })} />}
        <EmergencyChangeDialog emergency={emergency} onClose={() => setEmergency(null)} />
      </Stack>
    </Card>
  );
}

type CountSettingKey = "compensation.eligibility.reportWithinDays" | "compensation.eligibility.lossWithinDays" | "compensation.eligibility.refuseReimbursed";
const COUNT_SETTINGS: readonly string[] = ["compensation.eligibility.reportWithinDays", "compensation.eligibility.lossWithinDays", "compensation.eligibility.refuseReimbursed"];

/** A whole-number setting (the compensation eligibility rules, #18): its bounds from the server's schema. */
function CountSettingEditor({ settingKey, label, value }: { settingKey: CountSettingKey; label: string; value: number }) {
  const { t } = useTranslation("admin");
  const schema = SETTING_DEFINITIONS[settingKey].schema;
  const [draft, setDraft] = useState(String(value));
  const [reason, setReason] = useState("");
  const update = useUpdateSetting(() => {
    notifications.show({ color: "green", message: t("settings.saved", { label }) });
    setReason("");
  });
  const parsed = /^\d+$/.test(draft.trim()) ? schema.safeParse(Number(draft.trim())) : null;
  return (
    <Card withBorder data-testid={`setting-${settingKey}`}>
      <Stack gap="xs">
        <Text fw={500}>{label}</Text>
        <Text size="sm" c="dimmed">
          {t("settings.nowCount", { value })}
        </Text>
        {update.error && <Alert color="red">{errorMessage(update.error)}</Alert>}
        <Group align="flex-end">
          <TextInput
            label={t("settings.newCount")}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            error={parsed?.success === false || parsed === null ? t("settings.countRange", { min: schema.minValue, max: schema.maxValue }) : undefined}
            w={200}
          />
          <TextInput label={t("reasonModal.label")} placeholder={t("settings.reasonPlaceholder")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={320} />
          <Button onClick={() => parsed?.success && update.mutate({ key: settingKey, value: parsed.data, reason })} loading={update.isPending} disabled={!parsed?.success || reason.trim().length < 5}>
            {t("save")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function SettingsTab() {
  const { t } = useTranslation("admin");
  const settingLabel = useSettingLabel();
  const settings = useSettings();
  return (
    <Stack>
      {settings.isPending && (
        <Center p="xl">
          <Loader aria-label={t("settings.loading")} />
        </Center>
      )}
      {settings.error && <Alert color="red">{errorMessage(settings.error)}</Alert>}
      {settings.data?.map((s) =>
        s.key === "compensation.approvalThresholdYen" ? (
          <SettingEditor key={s.key} settingKey={s.key} label={settingLabel(s.key, s.label)} value={s.value} />
        ) : COUNT_SETTINGS.includes(s.key) ? (
          <CountSettingEditor key={s.key} settingKey={s.key as CountSettingKey} label={settingLabel(s.key, s.label)} value={s.value} />
        ) : (
          <SecondFactorSettingEditor key={s.key} label={settingLabel(s.key, s.label)} value={s.value} />
        ),
      )}
    </Stack>
  );
}
