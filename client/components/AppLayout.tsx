import { Suspense } from "react";
import { ActionIcon, AppShell, Badge, Burger, Button, Center, Group, Loader, NavLink, ScrollArea, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconLogout } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { mayCall } from "../../shared/auth/permissions.ts";
import { useTranslation } from "react-i18next";
import { NAV_ITEMS } from "../nav.ts";
import { useTRPC } from "../trpc.ts";
import { useMe } from "../features/auth/useMe.ts";
import { ErrorBoundary } from "./ErrorBoundary.tsx";
import { shellSlots } from "./shell-slots.tsx";
import { LanguageSwitch } from "../i18n/LanguageSwitch.tsx";
import { useSubmitOnce } from "./submit-once.ts";

export function AppLayout() {
  const { t } = useTranslation();
  const [opened, { toggle }] = useDisclosure();
  const me = useMe();
  const user = me.data?.user;
  const location = useLocation();
  const navigate = useNavigate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        navigate("/sign-in", { replace: true });
      },
    }),
  );
  // One click, one request: the second click of a double click is refused before React re-renders.
  const signOutOnce = useSubmitOnce(signOut);
  const items = NAV_ITEMS.filter((item) => mayCall(user?.role, item.requires));
  // The most specific item wins: /compensation/approvals highlights "Approvals", not "Compensation".
  const activePath = items
    .map((item) => item.path)
    .filter((p) => location.pathname === p || location.pathname.startsWith(p + "/"))
    .sort((a, b) => b.length - a.length)[0];

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("header.toggleNav")} />
            <Title order={3} c="indigo.8">
              {t("appName")}
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="md">
              {t("tagline")}
            </Text>
          </Group>
          {user && (
            <Group gap="sm" wrap="nowrap">
              <LanguageSwitch />
              <Stack gap={0} align="flex-end" visibleFrom="md">
                <Text size="sm" fw={500} data-testid="signed-in-user">
                  {user.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {user.email}
                </Text>
              </Stack>
              <Badge variant="light" data-testid="signed-in-role" visibleFrom="sm">
                {t(`roles.${user.role}`)}
              </Badge>
              <Button variant="subtle" size="xs" leftSection={<IconLogout size={16} />} onClick={() => signOutOnce.submit()} loading={signOutOnce.busy} visibleFrom="sm">
                {t("header.signOut")}
              </Button>
              <ActionIcon variant="subtle" hiddenFrom="sm" onClick={() => signOutOnce.submit()} loading={signOutOnce.busy} aria-label={t("header.signOut")}>
                <IconLogout size={18} />
              </ActionIcon>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <AppShell.Section grow component={ScrollArea}>
          <nav aria-label="Main">
            {items.map((item) => (
              <NavLink
                key={item.path}
                component={Link}
                to={item.path}
                label={t(`nav.${item.key}.label`)}
                description={t(`nav.${item.key}.description`)}
                leftSection={<item.icon size={18} />}
                active={item.path === activePath}
              />
            ))}
          </nav>
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" p="xs">
            {t("footer")}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        {shellSlots.banner && <shellSlots.banner />}
        {shellSlots.banners.map(({ key, Component }) => (
          <Component key={key} />
        ))}
        <ErrorBoundary resetKey={location.pathname}>
          {/* A page whose code is still loading keeps the frame (header, navigation, banner) on screen. */}
          <Suspense
            fallback={
              <Center p="xl">
                <Loader aria-label={t("loading")} />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
