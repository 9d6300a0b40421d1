// Administration (ADMIN): staff, platform API keys and settings, as tabs (the tab is in the URL).
// Every change asks for a reason, which goes into the audit log with it.
import { useState } from "react";
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { Alert, Badge, Button, Card, Center, Code, CopyButton, Group, Loader, Modal, PasswordInput, Select, Stack, Table, Tabs, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useTRPC } from "../../trpc.ts";
import { errorMessage, fieldErrors } from "../../lib/errors.ts";
import { JstTime } from "../../components/format.tsx";
import { roleGrantNeedsFourEyes } from "../../../shared/approvals/rules.ts";
import { parseYenAmount } from "../../../shared/amount.ts";
import { SETTING_DEFINITIONS } from "../../../shared/admin/settings.ts";
import { AmountInput } from "../../components/AmountInput.tsx";
import { ROLES, type Role } from "../../../shared/auth/roles.ts";
import { STAFF_PASSWORD_LENGTH_MIN } from "../../../shared/admin/staff.ts";
import { useCan, useMe } from "../auth/useMe.ts";
import { useMutationOnce } from "../../components/submit-once.ts";
import { SecondFactorSettingEditor } from "../auth/second-factor/SecondFactorSettingEditor.tsx";
import { EmergencyChangeDialog, EmergencyOffer, type AdminEmergency } from "./EmergencyChangeDialog.tsx";

/** A new account starts without MANAGER or ADMIN: granting those takes a second administrator (#12). */
const NEW_STAFF_ROLES = ROLES.filter((r) => !roleGrantNeedsFourEyes({ from: null, to: r }));

/** The one label of each role (common:roles), in the reader's language. */
function useRoleLabel() {
  const { t } = useTranslation();
  return (role: Role) => t(`roles.${role}`);
}

/** Settings the console knows by key get their label in the reader's language; others keep the server's. */
const SETTING_LABEL_KEYS = { "compensation.approvalThresholdYen": "approvalThreshold", "auth.secondFactorForAll": "secondFactorForAll" } as const;
function useSettingLabel() {
  const { t } = useTranslation("admin");
  return (key: string, serverLabel: string) => {
    const k = SETTING_LABEL_KEYS[key as keyof typeof SETTING_LABEL_KEYS];
    return k ? t(`settings.label.${k}`) : serverLabel;
  };
}

function DataTable<T>({ data, columns, testId }: { data: T[]; columns: ColumnDef<T, any>[]; testId: string }) {
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel() });
  // Cells keep to one line (badges are not cut to "AC…"); a narrow screen scrolls the table sideways.
  return (
    <Table.ScrollContainer minWidth={0} type="native">
      <Table striped data-testid={testId} styles={{ td: { whiteSpace: "nowrap" } }}>
        <Table.Thead>
          {table.getHeaderGroups().map((hg) => (
            <Table.Tr key={hg.id}>
              {hg.headers.map((h) => (
                <Table.Th key={h.id}>{flexRender(h.column.columnDef.header, h.getContext())}</Table.Th>
              ))}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.map((r) => (
            <Table.Tr key={r.id}>
              {r.getVisibleCells().map((c) => (
                <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A confirmation that collects the reason every staff mutation needs. */
function ReasonModal({
  opened,
  title,
  confirmLabel,
  children,
  onClose,
  onConfirm,
  pending,
  error,
  canConfirm = true,
}: {
  opened: boolean;
  title: string;
  confirmLabel: string;
  children?: React.ReactNode;
  onClose: () => void;
  onConfirm: (reason: string) => void;
  pending: boolean;
  error: unknown;
  canConfirm?: boolean;
}) {
  const { t } = useTranslation("admin");
  const [reason, setReason] = useState("");
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason);
        }}
      >
        <Stack>
          {children}
          <TextInput label={t("reasonModal.label")} description={t("reasonModal.description")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldErrors(error).reason?.[0]} data-autofocus />
          {error ? <Alert color="red">{errorMessage(error)}</Alert> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("reasonModal.cancel")}
            </Button>
            <Button type="submit" loading={pending} disabled={reason.trim().length < 5 || !canConfirm}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type StaffRow = { id: string; email: string; name: string; role: Role; active: boolean; sessionCount: number; lastSeenAt: Date | null; passwordChangedAt: Date; secondFactor: boolean };
type StaffAction = { kind: "role" | "deactivate" | "reactivate" | "password" | "secondFactor"; user: StaffRow } | null;

function StaffTab() {
  const { t } = useTranslation("secondFactor");
  const { t: ta } = useTranslation("admin");
  const roleLabel = useRoleLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const staff = useQuery(trpc.admin.staffList.queryOptions());
  const [creating, setCreating] = useState(false);
  const [action, setAction] = useState<StaffAction>(null);
  const [draft, setDraft] = useState({ email: "", name: "", role: "ANALYST" as Role, initialPassword: "" });
  const [newRole, setNewRole] = useState<Role>("ANALYST");
  const [newPassword, setNewPassword] = useState("");
  const [emergency, setEmergency] = useState<AdminEmergency | null>(null);
  const done = (message: string) => {
    notifications.show({ color: "green", message });
    setAction(null);
    setCreating(false);
    return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  };
  const create = useMutationOnce(useMutation(trpc.admin.createStaff.mutationOptions({ onSuccess: (u) => done(ta("staff.created", { email: u.email, role: roleLabel(u.role) })) })));
  const setRole = useMutationOnce(useMutation(trpc.admin.setRole.mutationOptions({
    onSuccess: (u, input) =>
      done(
        u.pendingRequestId === null
          ? ta("staff.roleChanged", { email: u.email, role: roleLabel(u.role), count: u.sessionsEnded })
          : ta("staff.roleWaits", { email: staff.data?.find((s) => s.id === input.userId)?.email ?? "", role: roleLabel(input.role) }),
      ),
  })));
  const deactivate = useMutationOnce(useMutation(trpc.admin.deactivateStaff.mutationOptions({ onSuccess: (u) => done(ta("staff.deactivatedDone", { email: u.email, count: u.sessionsEnded })) })));
  const reactivate = useMutationOnce(useMutation(trpc.admin.reactivateStaff.mutationOptions({ onSuccess: (u) => done(ta("staff.reactivatedDone", { email: u.email })) })));
  const reset = useMutationOnce(useMutation(trpc.admin.resetPassword.mutationOptions({ onSuccess: (r) => done(ta("staff.passwordDone", { count: r.sessionsEnded })) })));
  const resetFactor = useMutationOnce(useMutation(trpc.admin.resetSecondFactor.mutationOptions({ onSuccess: () => done(t("admin.resetDone", { name: action?.user.name ?? "" })) })));

  const col = createColumnHelper<StaffRow>();
  const columns = [
    col.accessor("name", { header: ta("staff.col.name"), cell: (c) => <Text size="sm" fw={500}>{c.getValue()}</Text> }),
    col.accessor("email", { header: ta("staff.col.email") }),
    col.accessor("role", { header: ta("staff.col.role"), cell: (c) => <Badge miw="max-content" variant="light">{roleLabel(c.getValue() as Role)}</Badge> }),
    col.accessor("active", {
      header: ta("staff.col.status"),
      cell: (c) => (c.getValue() ? <Badge miw="max-content" color="green" variant="light">{ta("staff.active")}</Badge> : <Badge miw="max-content" color="gray">{ta("staff.deactivated")}</Badge>),
    }),
    col.accessor("secondFactor", {
      header: t("admin.column"),
      cell: (c) => (c.getValue() ? <Badge miw="max-content" color="green" variant="light">{t("admin.enrolled")}</Badge> : <Badge miw="max-content" color="gray" variant="light">{t("admin.notEnrolled")}</Badge>),
    }),
    col.accessor("sessionCount", { header: ta("staff.col.sessions"), cell: (c) => c.getValue() }),
    col.accessor("lastSeenAt", { header: ta("staff.col.lastSeen"), cell: (c) => <JstTime at={c.getValue()} /> }),
    col.display({
      id: "actions",
      header: "",
      cell: (c) => {
        const u = c.row.original;
        const self = u.id === me.data?.user?.id;
        return (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Button size="compact-xs" variant="subtle" onClick={() => { setNewRole(u.role); setAction({ kind: "role", user: u }); }} aria-label={ta("staff.roleAria", { email: u.email })}>
              {ta("staff.roleButton")}
            </Button>
            <Button size="compact-xs" variant="subtle" onClick={() => { setNewPassword(""); setAction({ kind: "password", user: u }); }} aria-label={ta("staff.passwordAria", { email: u.email })}>
              {ta("staff.passwordButton")}
            </Button>
            {u.secondFactor && (
              <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setAction({ kind: "secondFactor", user: u })} aria-label={`${t("admin.reset")}: ${u.email}`}>
                {t("admin.reset")}
              </Button>
            )}
            {u.active ? (
              <Button size="compact-xs" variant="subtle" color="red" disabled={self} onClick={() => setAction({ kind: "deactivate", user: u })} aria-label={ta("staff.deactivateAria", { email: u.email })}>
                {ta("staff.deactivate")}
              </Button>
            ) : (
              <Button size="compact-xs" variant="subtle" onClick={() => setAction({ kind: "reactivate", user: u })} aria-label={ta("staff.reactivateAria", { email: u.email })}>
                {ta("staff.reactivate")}
              </Button>
            )}
          </Group>
        );
      },
    }),
  ] as ColumnDef<StaffRow, any>[];

  const pending = { role: setRole, deactivate, reactivate, password: reset, secondFactor: resetFactor }[action?.kind ?? "role"];
  const fe = fieldErrors(create.error);
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {ta("staff.intro")}
        </Text>
        <Button onClick={() => { create.reset(); setCreating(true); }}>{ta("staff.add")}</Button>
      </Group>
      {staff.isPending && <Loader aria-label={ta("staff.loading")} />}
      {staff.error && <Alert color="red">{errorMessage(staff.error)}</Alert>}
      {staff.data && <DataTable data={staff.data as StaffRow[]} columns={columns} testId="staff-table" />}

      <ReasonModal
        opened={creating}
        title={ta("staff.createTitle")}
        confirmLabel={ta("staff.create")}
        onClose={() => setCreating(false)}
        pending={create.isPending}
        error={create.error}
        onConfirm={(reason) => create.mutate({ ...draft, reason })}
      >
        <TextInput label={ta("staff.email")} value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })} error={fe.email?.[0]} />
        <TextInput label={ta("staff.name")} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={fe.name?.[0]} />
        <Select
          label={ta("staff.role")}
          description={ta("staff.roleHint")}
          data={NEW_STAFF_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
          value={draft.role} onChange={(v) => v && setDraft({ ...draft, role: v as Role })} allowDeselect={false} />
        <PasswordInput
          label={ta("staff.initialPassword")}
          description={ta("staff.initialPasswordHint", { min: STAFF_PASSWORD_LENGTH_MIN })}
          value={draft.initialPassword}
          onChange={(e) => setDraft({ ...draft, initialPassword: e.currentTarget.value })}
          error={fe.initialPassword?.[0]}
        />
      </ReasonModal>

      <ReasonModal
        key={action ? `${action.kind}-${action.user.id}` : "none"}
        opened={action !== null}
        title={
          action?.kind === "secondFactor"
            ? t("admin.resetTitle", { name: action.user.name })
            : action?.kind === "role"
              ? ta("staff.roleTitle", { email: action.user.email })
              : action?.kind === "password"
                ? ta("staff.passwordTitle", { email: action.user.email })
                : action?.kind === "deactivate"
                  ? ta("staff.deactivateTitle", { email: action.user.email })
                  : ta("staff.reactivateTitle", { email: action?.user.email ?? "" })
        }
        confirmLabel={action?.kind === "deactivate" ? ta("staff.deactivate") : ta("save")}
        onClose={() => { pending.reset(); setAction(null); }}
        pending={pending.isPending}
        error={pending.error}
        canConfirm={action?.kind !== "password" || newPassword.length >= STAFF_PASSWORD_LENGTH_MIN}
        onConfirm={(reason) => {
          if (!action) return;
          const userId = action.user.id;
          if (action.kind === "role") setRole.mutate({ userId, role: newRole, reason });
          else if (action.kind === "deactivate") deactivate.mutate({ userId, reason });
          else if (action.kind === "reactivate") reactivate.mutate({ userId, reason });
          else if (action.kind === "secondFactor") resetFactor.mutate({ userId, reason });
          else reset.mutate({ userId, newPassword, reason });
        }}
      >
        {action?.kind === "role" && (
          <Select
            label={ta("staff.newRole")}
            description={roleGrantNeedsFourEyes({ from: action.user.role, to: newRole }) ? ta("staff.newRoleWaits") : undefined}
            data={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
            value={newRole}
            onChange={(v) => v && setNewRole(v as Role)}
            allowDeselect={false}
          />
        )}
        {action?.kind === "role" && roleGrantNeedsFourEyes({ from: action.user.role, to: newRole }) && (
          <EmergencyOffer onOpen={() => { setEmergency({ kind: "GRANT_ROLE", userId: action.user.id, role: newRole, email: action.user.email, from: action.user.role }); setAction(null); }} />
        )}
        {action?.kind === "password" && (
          <PasswordInput label={ta("staff.newPassword")} description={ta("staff.newPasswordHint", { min: STAFF_PASSWORD_LENGTH_MIN })} value={newPassword} onChange={(e) => setNewPassword(e.currentTarget.value)} />
        )}
        {action?.kind === "secondFactor" && <Text size="sm">{t("admin.resetBody")}</Text>}
        {action && action.kind !== "reactivate" && action.kind !== "secondFactor" && <Text size="sm">{ta(action.kind === "deactivate" ? "staff.endsDeactivate" : "staff.endsNewDetails")}</Text>}
      </ReasonModal>
      <EmergencyChangeDialog emergency={emergency} onClose={() => setEmergency(null)} />
    </Stack>
  );
}

type KeyRow = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

function ApiKeysTab() {
  const { t } = useTranslation("admin");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.admin.apiKeys.queryOptions());
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const create = useMutationOnce(useMutation(
    trpc.admin.createApiKey.mutationOptions({
      onSuccess: (k) => {
        setCreating(false);
        setName("");
        setSecret({ name: k.name, secret: k.secret });
        return refresh();
      },
    }),
  ));
  const revoke = useMutationOnce(useMutation(
    trpc.admin.revokeApiKey.mutationOptions({
      onSuccess: (k) => {
        setRevoking(null);
        notifications.show({ color: "green", message: t("keys.revokedDone", { name: k.name }) });
        return refresh();
      },
    }),
  ));
  const col = createColumnHelper<KeyRow>();
  const columns = [
    col.accessor("name", { header: t("keys.col.name"), cell: (c) => <Text size="sm" fw={500}>{c.getValue()}</Text> }),
    col.accessor("prefix", { header: t("keys.col.prefix"), cell: (c) => <Code>{c.getValue()}…</Code> }),
    col.accessor("createdAt", { header: t("keys.col.created"), cell: (c) => <JstTime at={c.getValue()} /> }),
    col.accessor("lastUsedAt", { header: t("keys.col.lastUsed"), cell: (c) => (c.getValue() ? <JstTime at={c.getValue()} /> : <Text size="sm" c="dimmed">{t("keys.never")}</Text>) }),
    col.accessor("revokedAt", {
      header: t("keys.col.status"),
      cell: (c) => (c.getValue() ? <Badge miw="max-content" color="gray">{t("keys.revoked")} <JstTime at={c.getValue()} /></Badge> : <Badge miw="max-content" color="green" variant="light">{t("keys.active")}</Badge>),
    }),
    col.display({
      id: "actions",
      header: "",
      cell: (c) =>
        c.row.original.revokedAt ? null : (
          <Button size="compact-xs" color="red" variant="subtle" onClick={() => { revoke.reset(); setRevoking(c.row.original); }} aria-label={t("keys.revokeAria", { name: c.row.original.name })}>
            {t("keys.revoke")}
          </Button>
        ),
    }),
  ] as ColumnDef<KeyRow, any>[];
  const activeCount = keys.data?.filter((k) => !k.revokedAt).length ?? 0;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t("keys.introBefore")} <Code>Authorization: Bearer &lt;key&gt;</Code>
          {t("keys.introAfter", { count: activeCount })}
        </Text>
        <Button onClick={() => { create.reset(); setCreating(true); }}>{t("keys.create")}</Button>
      </Group>
      {secret && (
        <Alert color="yellow" title={t("keys.secretTitle", { name: secret.name })} withCloseButton onClose={() => setSecret(null)} data-testid="new-api-key">
          <Stack gap="xs">
            <Group>
              <Code>{secret.secret}</Code>
              <CopyButton value={secret.secret}>{({ copied, copy }) => <Button size="compact-xs" onClick={copy}>{copied ? t("keys.copied") : t("keys.copy")}</Button>}</CopyButton>
            </Group>
            <Text size="sm">{t("keys.secretText")}</Text>
          </Stack>
        </Alert>
      )}
      {keys.isPending && <Loader aria-label={t("keys.loading")} />}
      {keys.error && <Alert color="red">{errorMessage(keys.error)}</Alert>}
      {keys.data && keys.data.length === 0 && <Alert color="gray">{t("keys.none")}</Alert>}
      {keys.data && keys.data.length > 0 && <DataTable data={keys.data} columns={columns} testId="api-key-table" />}
      <ReasonModal opened={creating} title={t("keys.createTitle")} confirmLabel={t("keys.createButton")} onClose={() => setCreating(false)} pending={create.isPending} error={create.error} onConfirm={(reason) => create.mutate({ name, reason })} canConfirm={name.trim().length > 0}>
        <TextInput label={t("keys.name")} placeholder={t("keys.namePlaceholder")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldErrors(create.error).name?.[0]} />
      </ReasonModal>
      <ReasonModal
        key={revoking?.id ?? "none"}
        opened={revoking !== null}
        title={t("keys.revokeTitle", { name: revoking?.name ?? "" })}
        confirmLabel={t("keys.revoke")}
        onClose={() => setRevoking(null)}
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={(reason) => revoking && revoke.mutate({ keyId: revoking.id, reason })}
      >
        <Text size="sm">{t("keys.revokeText")}</Text>
      </ReasonModal>
    </Stack>
  );
}

/** The approval threshold's bounds, read from the schema the server validates with. */
const THRESHOLD_LIMITS = { min: SETTING_DEFINITIONS["compensation.approvalThresholdYen"].schema.minValue ?? 1, max: SETTING_DEFINITIONS["compensation.approvalThresholdYen"].schema.maxValue ?? undefined };

function SettingEditor({ settingKey, label, value }: { settingKey: "compensation.approvalThresholdYen"; label: string; value: number }) {
  const { t } = useTranslation("admin");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(String(value));
  const reading = parseYenAmount(draft, THRESHOLD_LIMITS);
  const [reason, setReason] = useState("");
  const [emergency, setEmergency] = useState<AdminEmergency | null>(null);
  const update = useMutationOnce(useMutation(
    trpc.admin.updateSetting.mutationOptions({
      onSuccess: (r) => {
        notifications.show({ color: "green", message: r.pendingRequestId ? t("settings.raiseWaits") : t("settings.saved", { label }) });
        setReason("");
        return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  ));
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

function SettingsTab() {
  const { t } = useTranslation("admin");
  const settingLabel = useSettingLabel();
  const trpc = useTRPC();
  const settings = useQuery(trpc.admin.settings.queryOptions());
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
        ) : (
          <SecondFactorSettingEditor key={s.key} label={settingLabel(s.key, s.label)} value={s.value} />
        ),
      )}
    </Stack>
  );
}

export default function AdminPage() {
  const { t } = useTranslation("admin");
  const [params, setParams] = useSearchParams();
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
      <Tabs value={tab} onChange={(v) => setParams(v && v !== "staff" ? { tab: v } : {})} keepMounted={false}>
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
