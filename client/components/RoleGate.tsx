// Pages a role may not use say so in one line instead of loading and failing; unknown addresses
// say "Page not found". What each role may open is read from shared/auth/permissions.ts.
import { Alert, Stack, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { mayOpenPage, type PagePattern } from "../../shared/auth/permissions.ts";
import { useTranslation } from "react-i18next";
import { useMe } from "../features/auth/useMe.ts";

export function RoleGate({ page, children }: { page: PagePattern; children: React.ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const role = me.data?.user?.role;
  if (mayOpenPage(role, page)) return <>{children}</>;
  return (
    <Alert color="gray" icon={<IconLock size={16} />} data-testid="page-forbidden">
      {role ? t("gate.forbiddenRole", { role: t(`roles.${role}`) }) : t("gate.forbidden")}
    </Alert>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack data-testid="page-not-found">
      <Title order={2}>{t("gate.notFoundTitle")}</Title>
      <Alert color="gray">{t("gate.notFoundText")}</Alert>
    </Stack>
  );
}
