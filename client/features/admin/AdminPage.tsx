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
import { formatYen } from "../../../shared/format.ts";
import { parseYenAmount } from "../../../shared/amount.ts";
import { SETTING_DEFINITIONS } from "../../../shared/admin/settings.ts";
import { AmountInput } from "../../components/AmountInput.tsx";
import { ROLES, ROLE_LABELS, type Role } from "../../../shared/auth/roles.ts";
import { STAFF_PASSWORD_LENGTH_MIN } from "../../../shared/admin/staff.ts";
import { useCan, useMe } from "../auth/useMe.ts";
import { useMutationOnce } from "../../components/submit-once.ts";
import { SecondFactorSettingEditor } from "../auth/second-factor/SecondFactorSettingEditor.tsx";
import { EmergencyChangeDialog, EmergencyOffer, type AdminEmergency } from "./EmergencyChangeDialog.tsx";

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
/** A new account starts without MANAGER or ADMIN: granting those takes a second administrator (#12). */
const NEW_STAFF_ROLE_OPTIONS = ROLE_OPTIONS.filter((o) => !roleGrantNeedsFourEyes({ from: null, to: o.value }));

function DataTable<T>({ data, columns, testId }: { data: T[]; columns: ColumnDef<T, any>[]; testId: string }) {
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel() });
  return (
    <Table striped data-testid={testId}>
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
          <TextInput label="Reason" description="Recorded in the audit log" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldErrors(error).reason?.[0]} data-autofocus />
          {error ? <Alert color="red">{errorMessage(error)}</Alert> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
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
  const create = useMutationOnce(useMutation(trpc.admin.createStaff.mutationOptions({ onSuccess: (u) => done(`${u.email} can now sign in as ${ROLE_LABELS[u.role]}.`) })));
  const setRole = useMutationOnce(useMutation(trpc.admin.setRole.mutationOptions({
    onSuccess: (u) => done(u.pendingRequestId === null ? `${u.email} is now ${ROLE_LABELS[u.role]}; ${u.sessionsEnded} session(s) ended.` : `${u.summary}: this waits for a second administrator's approval on the Four eyes page.`),
  })));
  const deactivate = useMutationOnce(useMutation(trpc.admin.deactivateStaff.mutationOptions({ onSuccess: (u) => done(`${u.email} is deactivated; ${u.sessionsEnded} session(s) ended.`) })));
  const reactivate = useMutationOnce(useMutation(trpc.admin.reactivateStaff.mutationOptions({ onSuccess: (u) => done(`${u.email} can sign in again.`) })));
  const reset = useMutationOnce(useMutation(trpc.admin.resetPassword.mutationOptions({ onSuccess: (r) => done(`Password reset; ${r.sessionsEnded} session(s) ended.`) })));
  const resetFactor = useMutationOnce(useMutation(trpc.admin.resetSecondFactor.mutationOptions({ onSuccess: () => done(t("admin.resetDone", { name: action?.user.name ?? "" })) })));

  const col = createColumnHelper<StaffRow>();
  const columns = [
    col.accessor("name", { header: "Name", cell: (c) => <Text size="sm" fw={500}>{c.getValue()}</Text> }),
    col.accessor("email", { header: "Email" }),
    col.accessor("role", { header: "Role", cell: (c) => <Badge variant="light">{ROLE_LABELS[c.getValue() as Role]}</Badge> }),
    col.accessor("active", { header: "Status", cell: (c) => (c.getValue() ? <Badge color="green" variant="light">active</Badge> : <Badge color="gray">deactivated</Badge>) }),
    col.accessor("secondFactor", {
      header: t("admin.column"),
      cell: (c) => (c.getValue() ? <Badge color="green" variant="light">{t("admin.enrolled")}</Badge> : <Badge color="gray" variant="light">{t("admin.notEnrolled")}</Badge>),
    }),
    col.accessor("sessionCount", { header: "Sessions", cell: (c) => c.getValue() }),
    col.accessor("lastSeenAt", { header: "Last seen", cell: (c) => <JstTime at={c.getValue()} /> }),
    col.display({
      id: "actions",
      header: "",
      cell: (c) => {
        const u = c.row.original;
        const self = u.id === me.data?.user?.id;
        return (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Button size="compact-xs" variant="subtle" onClick={() => { setNewRole(u.role); setAction({ kind: "role", user: u }); }} aria-label={`Change role of ${u.email}`}>
              Role
            </Button>
            <Button size="compact-xs" variant="subtle" onClick={() => { setNewPassword(""); setAction({ kind: "password", user: u }); }} aria-label={`Reset password of ${u.email}`}>
              Reset password
            </Button>
            {u.secondFactor && (
              <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setAction({ kind: "secondFactor", user: u })} aria-label={`${t("admin.reset")}: ${u.email}`}>
                {t("admin.reset")}
              </Button>
            )}
            {u.active ? (
              <Button size="compact-xs" variant="subtle" color="red" disabled={self} onClick={() => setAction({ kind: "deactivate", user: u })} aria-label={`Deactivate ${u.email}`}>
                Deactivate
              </Button>
            ) : (
              <Button size="compact-xs" variant="subtle" onClick={() => setAction({ kind: "reactivate", user: u })} aria-label={`Reactivate ${u.email}`}>
                Reactivate
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
          Deactivating someone, changing their role or resetting their password ends all their sessions at once.
        </Text>
        <Button onClick={() => { create.reset(); setCreating(true); }}>Add staff member</Button>
      </Group>
      {staff.isPending && <Loader aria-label="Loading staff" />}
      {staff.error && <Alert color="red">{errorMessage(staff.error)}</Alert>}
      {staff.data && <DataTable data={staff.data as StaffRow[]} columns={columns} testId="staff-table" />}

      <ReasonModal
        opened={creating}
        title="Add a staff member"
        confirmLabel="Create"
        onClose={() => setCreating(false)}
        pending={create.isPending}
        error={create.error}
        onConfirm={(reason) => create.mutate({ ...draft, reason })}
      >
        <TextInput label="Email" value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })} error={fe.email?.[0]} />
        <TextInput label="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={fe.name?.[0]} />
        <Select
          label="Role"
          description="A new MANAGER or ADMIN: create the account first, then change its role; a second administrator approves."
          data={NEW_STAFF_ROLE_OPTIONS}
          value={draft.role} onChange={(v) => v && setDraft({ ...draft, role: v as Role })} allowDeselect={false} />
        <PasswordInput
          label="Initial password"
          description={`At least ${STAFF_PASSWORD_LENGTH_MIN} characters; hand it over in person and ask them to keep it to themselves.`}
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
            ? `Change the role of ${action.user.email}`
            : action?.kind === "password"
              ? `Reset the password of ${action.user.email}`
              : action?.kind === "deactivate"
                ? `Deactivate ${action.user.email}`
                : `Reactivate ${action?.user.email ?? ""}`
        }
        confirmLabel={action?.kind === "deactivate" ? "Deactivate" : "Save"}
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
            label="New role"
            description={roleGrantNeedsFourEyes({ from: action.user.role, to: newRole }) ? "Granting this role waits for a second administrator's approval on the Four eyes page." : undefined}
            data={ROLE_OPTIONS}
            value={newRole}
            onChange={(v) => v && setNewRole(v as Role)}
            allowDeselect={false}
          />
        )}
        {action?.kind === "role" && roleGrantNeedsFourEyes({ from: action.user.role, to: newRole }) && (
          <EmergencyOffer onOpen={() => { setEmergency({ kind: "GRANT_ROLE", userId: action.user.id, role: newRole, email: action.user.email, from: action.user.role }); setAction(null); }} />
        )}
        {action?.kind === "password" && (
          <PasswordInput label="New password" description={`At least ${STAFF_PASSWORD_LENGTH_MIN} characters`} value={newPassword} onChange={(e) => setNewPassword(e.currentTarget.value)} />
        )}
        {action?.kind === "secondFactor" && <Text size="sm">{t("admin.resetBody")}</Text>}
        {action && action.kind !== "reactivate" && action.kind !== "secondFactor" && <Text size="sm">Their sessions end at once; they sign in again {action.kind === "deactivate" ? "only after being reactivated" : "with the new details"}.</Text>}
      </ReasonModal>
      <EmergencyChangeDialog emergency={emergency} onClose={() => setEmergency(null)} />
    </Stack>
  );
}

type KeyRow = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

function ApiKeysTab() {
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
        notifications.show({ color: "green", message: `Key “${k.name}” revoked: it is refused from now on.` });
        return refresh();
      },
    }),
  ));
  const col = createColumnHelper<KeyRow>();
  const columns = [
    col.accessor("name", { header: "Name", cell: (c) => <Text size="sm" fw={500}>{c.getValue()}</Text> }),
    col.accessor("prefix", { header: "Starts with", cell: (c) => <Code>{c.getValue()}…</Code> }),
    col.accessor("createdAt", { header: "Created", cell: (c) => <JstTime at={c.getValue()} /> }),
    col.accessor("lastUsedAt", { header: "Last used", cell: (c) => (c.getValue() ? <JstTime at={c.getValue()} /> : <Text size="sm" c="dimmed">never</Text>) }),
    col.accessor("revokedAt", { header: "Status", cell: (c) => (c.getValue() ? <Badge color="gray">revoked <JstTime at={c.getValue()} /></Badge> : <Badge color="green" variant="light">active</Badge>) }),
    col.display({
      id: "actions",
      header: "",
      cell: (c) =>
        c.row.original.revokedAt ? null : (
          <Button size="compact-xs" color="red" variant="subtle" onClick={() => { revoke.reset(); setRevoking(c.row.original); }} aria-label={`Revoke ${c.row.original.name}`}>
            Revoke
          </Button>
        ),
    }),
  ] as ColumnDef<KeyRow, any>[];
  const activeCount = keys.data?.filter((k) => !k.revokedAt).length ?? 0;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          The wallet platform sends <Code>Authorization: Bearer &lt;key&gt;</Code>. To rotate: create a new key, switch the platform to it, then revoke the old one. {activeCount} active.
        </Text>
        <Button onClick={() => { create.reset(); setCreating(true); }}>Create API key</Button>
      </Group>
      {secret && (
        <Alert color="yellow" title={`The secret of “${secret.name}”: shown only now`} withCloseButton onClose={() => setSecret(null)} data-testid="new-api-key">
          <Stack gap="xs">
            <Group>
              <Code>{secret.secret}</Code>
              <CopyButton value={secret.secret}>{({ copied, copy }) => <Button size="compact-xs" onClick={copy}>{copied ? "Copied" : "Copy"}</Button>}</CopyButton>
            </Group>
            <Text size="sm">Only its hash is stored: once you close this, nobody can show it again.</Text>
          </Stack>
        </Alert>
      )}
      {keys.isPending && <Loader aria-label="Loading API keys" />}
      {keys.error && <Alert color="red">{errorMessage(keys.error)}</Alert>}
      {keys.data && keys.data.length === 0 && <Alert color="gray">No API keys yet: the wallet platform cannot call the API until one is created.</Alert>}
      {keys.data && keys.data.length > 0 && <DataTable data={keys.data} columns={columns} testId="api-key-table" />}
      <ReasonModal opened={creating} title="Create an API key" confirmLabel="Create" onClose={() => setCreating(false)} pending={create.isPending} error={create.error} onConfirm={(reason) => create.mutate({ name, reason })} canConfirm={name.trim().length > 0}>
        <TextInput label="Name" placeholder="wallet platform (production)" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldErrors(create.error).name?.[0]} />
      </ReasonModal>
      <ReasonModal
        key={revoking?.id ?? "none"}
        opened={revoking !== null}
        title={`Revoke “${revoking?.name ?? ""}”`}
        confirmLabel="Revoke"
        onClose={() => setRevoking(null)}
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={(reason) => revoking && revoke.mutate({ keyId: revoking.id, reason })}
      >
        <Text size="sm">Requests with this key are refused from the moment you confirm.</Text>
      </ReasonModal>
    </Stack>
  );
}

/** The approval threshold's bounds, read from the schema the server validates with. */
const THRESHOLD_LIMITS = { min: SETTING_DEFINITIONS["compensation.approvalThresholdYen"].schema.minValue ?? 1, max: SETTING_DEFINITIONS["compensation.approvalThresholdYen"].schema.maxValue ?? undefined };

function SettingEditor({ settingKey, label, value }: { settingKey: "compensation.approvalThresholdYen"; label: string; value: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(String(value));
  const reading = parseYenAmount(draft, THRESHOLD_LIMITS);
  const [reason, setReason] = useState("");
  const [emergency, setEmergency] = useState<AdminEmergency | null>(null);
  const update = useMutationOnce(useMutation(
    trpc.admin.updateSetting.mutationOptions({
      onSuccess: (r) => {
        notifications.show({ color: "green", message: r.pendingRequestId ? `Raising it waits for a second administrator's approval on the Four eyes page.` : `${label} saved.` });
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
          Now {formatYen(value)}
        </Text>
        {update.error && <Alert color="red">{errorMessage(update.error)}</Alert>}
        <Group align="flex-end">
          <AmountInput label="New value (yen)" value={draft} onChange={setDraft} limits={THRESHOLD_LIMITS} w={200} />
          <TextInput label="Reason" placeholder="Why this changes" value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={320} />
          <Button onClick={() => reading.ok && update.mutate({ key: settingKey, value: reading.value, reason })} loading={update.isPending} disabled={!reading.ok || reason.trim().length < 5}>
            Save
          </Button>
        </Group>
        {reading.ok && reading.value > value && <EmergencyOffer onOpen={() => setEmergency({ kind: "RAISE_APPROVAL_THRESHOLD", valueYen: reading.value, fromYen: value })} />}
        <EmergencyChangeDialog emergency={emergency} onClose={() => setEmergency(null)} />
      </Stack>
    </Card>
  );
}

function SettingsTab() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.admin.settings.queryOptions());
  return (
    <Stack>
      {settings.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading settings" />
        </Center>
      )}
      {settings.error && <Alert color="red">{errorMessage(settings.error)}</Alert>}
      {settings.data?.map((s) =>
        s.key === "compensation.approvalThresholdYen" ? (
          <SettingEditor key={s.key} settingKey={s.key} label={s.label} value={s.value} />
        ) : (
          <SecondFactorSettingEditor key={s.key} label={s.label} value={s.value} />
        ),
      )}
    </Stack>
  );
}

export default function AdminPage() {
  const [params, setParams] = useSearchParams();
  const canAdminister = useCan("admin.staffList");
  const tab = params.get("tab") ?? "staff";
  if (!canAdminister) {
    return (
      <Stack>
        <Title order={2}>Administration</Title>
        <Alert color="gray">Only administrators manage staff, API keys and settings.</Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>Administration</Title>
      <Tabs value={tab} onChange={(v) => setParams(v && v !== "staff" ? { tab: v } : {})} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="staff">Staff</Tabs.Tab>
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
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
