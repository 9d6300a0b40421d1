// Administration (ADMIN): staff, platform API keys and settings, as tabs (the tab is in the URL).
// Every change asks for a reason, which goes into the audit log with it.
import { useTranslation } from "react-i18next";
import { Alert, Stack, Tabs, Title } from "@mantine/core";
import { useUrlParams } from "../../components/url-params.ts";
import { useCan } from "../auth/useMe.ts";
import { ApiKeysTab } from "./ApiKeysTab.tsx";
import { SettingsTab } from "./SettingsTab.tsx";
import { StaffTab } from "./StaffTab.tsx";

export default function AdminPage() {
  const { t } = useTranslation("admin");
  const { params, update } = useUrlParams();
  const canAdminister = useCan("admin.staffList");
  const tab = params.get("tab") ?? "staff";
  if (!canAdminister) {
    return (
      <Stack>
        <Title order={2}>{t("title")}</Title>
        <Alert color="gray">{t("adminsOnly")}</Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>{t("title")}</Title>
      <Tabs value={tab} onChange={(v) => update({ tab: v === "staff" ? null : v })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="staff">{t("tabs.staff")}</Tabs.Tab>
          <Tabs.Tab value="keys">{t("tabs.keys")}</Tabs.Tab>
          <Tabs.Tab value="settings">{t("tabs.settings")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="staff" pt="md">
          <StaffTab />
        </Tabs.Panel>
        <Tabs.Panel value="keys" pt="md">
          <ApiKeysTab />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <SettingsTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
