// Pages a role may not use say so in one line instead of loading and failing; unknown addresses
// say "Page not found". What each role may open is read from shared/auth/permissions.ts.
import { Alert, Stack, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { mayOpenPage, type PagePattern } from "../../shared/auth/permissions.ts";
import { ROLE_LABELS } from "../../shared/auth/roles.ts";
import { useMe } from "../features/auth/useMe.ts";

export function RoleGate({ page, children }: { page: PagePattern; children: React.ReactNode }) {
  const me = useMe();
  const role = me.data?.user?.role;
  if (mayOpenPage(role, page)) return <>{children}</>;
  return (
    <Alert color="gray" icon={<IconLock size={16} />} data-testid="page-forbidden">
      Your role{role ? ` (${ROLE_LABELS[role]})` : ""} cannot use this page.
    </Alert>
  );
}

export function NotFoundPage() {
  return (
    <Stack data-testid="page-not-found">
      <Title order={2}>Page not found</Title>
      <Alert color="gray">There is no page at this address. Use the navigation on the left.</Alert>
    </Stack>
  );
}
