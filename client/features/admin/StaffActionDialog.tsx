// One change to one staff account (role, password, second factor, deactivate, reactivate), confirmed
// with a reason. A role that needs a second administrator is requested, or applied at once through
// the emergency path.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PasswordInput, Select, Text } from "@mantine/core";
import { roleGrantNeedsFourEyes } from "../../../shared/approvals/rules.ts";
import { ROLES, type Role } from "../../../shared/auth/roles.ts";
import { STAFF_PASSWORD_LENGTH_MIN } from "../../../shared/admin/staff.ts";
import { EmergencyOffer, type AdminEmergency } from "./EmergencyChangeDialog.tsx";
import { ReasonModal } from "./ReasonModal.tsx";
import { useDeactivateStaff, useReactivateStaff, useResetPassword, useResetSecondFactor, useSetRole } from "./queries.ts";
import { useRoleLabel } from "../../i18n/words.ts";

export type StaffRow = { id: string; email: string; name: string; role: Role; active: boolean; sessionCount: number; lastSeenAt: Date | null; passwordChangedAt: Date; secondFactor: boolean };
export type StaffAction = { kind: "role" | "deactivate" | "reactivate" | "password" | "secondFactor"; user: StaffRow } | null;

/** Mounted once per action (keyed by it), so the new role and password start from the person's own. */
export function StaffActionDialog({
  action,
  staff,
  onClose,
  onDone,
  onEmergency,
}: {
  action: StaffAction;
  staff: StaffRow[];
  onClose: () => void;
  onDone: (message: string) => unknown;
  onEmergency: (e: AdminEmergency) => void;
}) {
  const { t } = useTranslation("secondFactor");
  const { t: ta } = useTranslation("admin");
  const roleLabel = useRoleLabel();
  const [newRole, setNewRole] = useState<Role>(action?.user.role ?? "ANALYST");
  const [newPassword, setNewPassword] = useState("");
  const setRole = useSetRole((u, input) =>
    onDone(
      u.pendingRequestId === null
        ? ta("staff.roleChanged", { email: u.email, role: roleLabel(u.role), count: u.sessionsEnded })
        : ta("staff.roleWaits", { email: staff.find((s) => s.id === input.userId)?.email ?? "", role: roleLabel(input.role) }),
    ),
  );
  const deactivate = useDeactivateStaff((u) => onDone(ta("staff.deactivatedDone", { email: u.email, count: u.sessionsEnded })));
  const reactivate = useReactivateStaff((u) => onDone(ta("staff.reactivatedDone", { email: u.email })));
  const reset = useResetPassword((r) => onDone(ta("staff.passwordDone", { count: r.sessionsEnded })));
  const resetFactor = useResetSecondFactor(() => onDone(t("admin.resetDone", { name: action?.user.name ?? "" })));
  const pending = { role: setRole, deactivate, reactivate, password: reset, secondFactor: resetFactor }[action?.kind ?? "role"];
  const fourEyes = action?.kind === "role" && roleGrantNeedsFourEyes({ from: action.user.role, to: newRole });

  const title = !action
    ? ""
    : action.kind === "secondFactor"
      ? t("admin.resetTitle", { name: action.user.name })
      : ta(`staff.${action.kind}Title`, { email: action.user.email });
  return (
    <ReasonModal
      opened={action !== null}
      title={title}
      confirmLabel={action?.kind === "deactivate" ? ta("staff.deactivate") : ta("save")}
      onClose={() => {
        pending.reset();
        onClose();
      }}
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
          description={fourEyes ? ta("staff.newRoleWaits") : undefined}
          data={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
          value={newRole}
          onChange={(v) => v && setNewRole(v as Role)}
          allowDeselect={false}
        />
      )}
      {action?.kind === "role" && fourEyes && <EmergencyOffer onOpen={() => onEmergency({ kind: "GRANT_ROLE", userId: action.user.id, role: newRole, email: action.user.email, from: action.user.role })} />}
      {action?.kind === "password" && (
        <PasswordInput label={ta("staff.newPassword")} description={ta("staff.newPasswordHint", { min: STAFF_PASSWORD_LENGTH_MIN })} value={newPassword} onChange={(e) => setNewPassword(e.currentTarget.value)} />
      )}
      {action?.kind === "secondFactor" && <Text size="sm">{t("admin.resetBody")}</Text>}
      {action && action.kind !== "reactivate" && action.kind !== "secondFactor" && <Text size="sm">{ta(action.kind === "deactivate" ? "staff.endsDeactivate" : "staff.endsNewDetails")}</Text>}
    </ReasonModal>
  );
}
