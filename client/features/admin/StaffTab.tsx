// Administration, staff tab: everyone who can sign in, with their role, status, second factor and
// sessions, a form for a new account, and per person the changes an administrator may make.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge, Button, Group, PasswordInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import { fieldErrors } from "../../lib/errors.ts";
import { useRoleLabel } from "../../i18n/words.ts";
import { JstTime } from "../../components/format.tsx";
import { DataTable, useDataTable } from "../../components/DataTable.tsx";
import { roleGrantNeedsFourEyes } from "../../../shared/approvals/rules.ts";
import { ROLES, type Role } from "../../../shared/auth/roles.ts";
import { STAFF_PASSWORD_LENGTH_MIN } from "../../../shared/admin/staff.ts";
import { useMe } from "../auth/useMe.ts";
import { EmergencyChangeDialog, type AdminEmergency } from "./EmergencyChangeDialog.tsx";
import { ReasonModal } from "./ReasonModal.tsx";
import { StaffActionDialog, type StaffAction, type StaffRow } from "./StaffActionDialog.tsx";
import { useCreateStaff, useRefreshAdmin, useStaffList } from "./queries.ts";

/** A new account starts without MANAGER or ADMIN: granting those takes a second administrator (#12). */
const NEW_STAFF_ROLES = ROLES.filter((r) => !roleGrantNeedsFourEyes({ from: null, to: r }));

const col = createColumnHelper<StaffRow>();

function useStaffColumns(onAction: (action: NonNullable<StaffAction>) => void) {
  const { t } = useTranslation("secondFactor");
  const { t: ta } = useTranslation("admin");
  const roleLabel = useRoleLabel();
  const me = useMe();
  return [
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
            <Button size="compact-xs" variant="subtle" onClick={() => onAction({ kind: "role", user: u })} aria-label={ta("staff.roleAria", { email: u.email })}>
              {ta("staff.roleButton")}
            </Button>
            <Button size="compact-xs" variant="subtle" onClick={() => onAction({ kind: "password", user: u })} aria-label={ta("staff.passwordAria", { email: u.email })}>
              {ta("staff.passwordButton")}
            </Button>
            {u.secondFactor && (
              <Button size="compact-xs" variant="subtle" color="orange" onClick={() => onAction({ kind: "secondFactor", user: u })} aria-label={`${t("admin.reset")}: ${u.email}`}>
                {t("admin.reset")}
              </Button>
            )}
            {u.active ? (
              <Button size="compact-xs" variant="subtle" color="red" disabled={self} onClick={() => onAction({ kind: "deactivate", user: u })} aria-label={ta("staff.deactivateAria", { email: u.email })}>
                {ta("staff.deactivate")}
              </Button>
            ) : (
              <Button size="compact-xs" variant="subtle" onClick={() => onAction({ kind: "reactivate", user: u })} aria-label={ta("staff.reactivateAria", { email: u.email })}>
                {ta("staff.reactivate")}
              </Button>
            )}
          </Group>
        );
      },
    }),
  ] as ColumnDef<StaffRow, any>[];
}

/** The form for a new staff account (its first role cannot be one that needs a second administrator). */
function NewStaffDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (message: string) => unknown }) {
  const { t } = useTranslation("admin");
  const roleLabel = useRoleLabel();
  const [draft, setDraft] = useState({ email: "", name: "", role: "ANALYST" as Role, initialPassword: "" });
  const create = useCreateStaff((u) => onCreated(t("staff.created", { email: u.email, role: roleLabel(u.role) })));
  const fe = fieldErrors(create.error);
  return (
    <ReasonModal opened={opened} title={t("staff.createTitle")} confirmLabel={t("staff.create")} onClose={onClose} pending={create.isPending} error={create.error} onConfirm={(reason) => create.mutate({ ...draft, reason })}>
      <TextInput label={t("staff.email")} value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })} error={fe.email?.[0]} />
      <TextInput label={t("staff.name")} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={fe.name?.[0]} />
      <Select
        label={t("staff.role")}
        description={t("staff.roleHint")}
        data={NEW_STAFF_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
        value={draft.role}
        onChange={(v) => v && setDraft({ ...draft, role: v as Role })}
        allowDeselect={false}
      />
      <PasswordInput
        label={t("staff.initialPassword")}
        description={t("staff.initialPasswordHint", { min: STAFF_PASSWORD_LENGTH_MIN })}
        value={draft.initialPassword}
        onChange={(e) => setDraft({ ...draft, initialPassword: e.currentTarget.value })}
        error={fe.initialPassword?.[0]}
      />
    </ReasonModal>
  );
}

export function StaffTab() {
  const { t } = useTranslation("admin");
  const staff = useStaffList();
  const refresh = useRefreshAdmin();
  // A new form each time (a closed form's error does not show on the next one).
  const [creating, setCreating] = useState<number | null>(null);
  const [action, setAction] = useState<StaffAction>(null);
  const [emergency, setEmergency] = useState<AdminEmergency | null>(null);
  const done = (message: string) => {
    notifications.show({ color: "green", message });
    setAction(null);
    setCreating(null);
    return refresh();
  };
  const columns = useStaffColumns(setAction);
  const table = useDataTable({ data: (staff.data ?? []) as StaffRow[], columns });
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t("staff.intro")}
        </Text>
        <Button onClick={() => setCreating(Date.now())}>{t("staff.add")}</Button>
      </Group>
      <DataTable table={table} testId="staff-table" pin="name" loading={staff.isPending} loadingLabel={t("staff.loading")} error={staff.error} striped nowrap />
      <NewStaffDialog key={creating ?? "closed"} opened={creating !== null} onClose={() => setCreating(null)} onCreated={done} />
      <StaffActionDialog
        key={action ? `${action.kind}-${action.user.id}` : "none"}
        action={action}
        staff={(staff.data ?? []) as StaffRow[]}
        onClose={() => setAction(null)}
        onDone={done}
        onEmergency={(e) => {
          setEmergency(e);
          setAction(null);
        }}
      />
      <EmergencyChangeDialog emergency={emergency} onClose={() => setEmergency(null)} />
    </Stack>
  );
}
