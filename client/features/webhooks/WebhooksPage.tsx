// Webhooks (#17, ADMIN): the platform's endpoints (add with a secret shown once, enable, disable)
// and the delivery log (state, attempts with the answers, replay). Every change asks a reason.
// The parts: Endpoints.tsx, DeliveryLog.tsx, dialogs.tsx; the server calls: queries.ts.
import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { DeliveryLog } from "./DeliveryLog.tsx";
import { Endpoints } from "./Endpoints.tsx";

export default function WebhooksPage() {
  const { t } = useTranslation("webhooks");
  return (
    <Stack gap="xl">
      <Stack gap="xs">
        <Title order={2}>{t("title")}</Title>
        <Text size="sm" c="dimmed" maw={900}>{t("intro")}</Text>
      </Stack>
      <Endpoints />
      <DeliveryLog />
    </Stack>
  );
}
