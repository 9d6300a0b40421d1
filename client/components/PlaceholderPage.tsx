import { Alert, Stack, Title } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

/** A page whose feature is not built yet says what will appear, never a blank screen. */
export function PlaceholderPage({ title, text }: { title: string; text: string }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{title}</Title>
      <Alert icon={<IconInfoCircle />} color="gray" title={t("placeholder.comingSoon")}>
        {text}
      </Alert>
    </Stack>
  );
}
