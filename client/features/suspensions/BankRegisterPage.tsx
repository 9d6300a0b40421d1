// /banks: the bank register (#17). Every bank with its link authentication (PIN only, PIN + OTP…),
// since when and who recorded it, what is suspended there and how many links it has. Managers
// record a change (with the date it took effect and a reason; the history is shown) and suspend the
// selected banks at once — e.g. every PIN-only bank, as Japan Post Bank did on 15 September 2020 —
// with one preview (per bank and in total) and one confirmation (SuspendDialog). The PIN-only
// filter and the selection live in the URL.
import { useMemo, useState } from "react";
import { Alert, Anchor, Badge, Button, Checkbox, Group, Loader, Modal, Select, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { IconShieldOff } from "@tabler/icons-react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../components/format.tsx";
import { useUrlParams } from "../../components/url-params.ts";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useScopeWords } from "../../i18n/words.ts";
import { useCan } from "../auth/useMe.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import type { AuthMethod } from "../../../shared/suspensions/schemas.ts";
import { parseJstInput, toJstInput } from "./jst-input.ts";
import { useBankAuthHistory, useBankRegister, useSetBankAuth } from "./queries.ts";
import { SuspendDialog } from "./SuspendDialog.tsx";

const METHODS: AuthMethod[] = ["PIN", "PIN_OTP", "ONLINE_BANKING", "CASH_CARD"];

export default function BankRegisterPage() {
  const { t } = useTranslation(["suspensions", "volume"]);
  const f = useFormat();
  const scopeWords = useScopeWords();
  const { params, update } = useUrlParams();
  const canEdit = useCan("suspensions.setBankAuth");
  const canSuspend = useCan("suspensions.suspend");
  const q = useBankRegister();
  const [editing, setEditing] = useState<{ code: string; name: string; authMethod: AuthMethod } | null>(null);
  const [suspendOpen, setSuspendOpen] = useState(false);
  const pinOnlyFilter = params.get("auth") === "PIN";
  const selected = useMemo(() => (params.get("select") ?? "").split(",").filter(Boolean), [params]);
  const rows = (q.data ?? []).filter((b) => !pinOnlyFilter || b.authMethod === "PIN");
  const pinOnlyFree = rows.filter((b) => b.authMethod === "PIN" && b.suspendedScopes.length === 0).map((b) => b.code);
  const toggle = (code: string, on: boolean) => update({ select: (on ? [...new Set([...selected, code])] : selected.filter((c) => c !== code)).join(",") || null });

  return (
    <Stack>
      <Stack gap={2}>
        <Title order={2}>{t("register.title")}</Title>
        <Text c="dimmed" size="sm">
          {t("register.subtitle")}
        </Text>
      </Stack>
      <Group align="center">
        <Checkbox label={t("register.pinOnlyOnly")} checked={pinOnlyFilter} onChange={(e) => update({ auth: e.currentTarget.checked ? "PIN" : null })} data-testid="register-pin-only" />
        {canSuspend && (
          <>
            <Button variant="default" disabled={pinOnlyFree.length === 0} onClick={() => update({ select: [...new Set([...selected, ...pinOnlyFree])].join(",") })} data-testid="register-select-pin-only">
              {t("register.selectPinOnly", { count: pinOnlyFree.length })}
            </Button>
            <Button color="red" leftSection={<IconShieldOff size={16} />} disabled={selected.length === 0} onClick={() => setSuspendOpen(true)} data-testid="register-suspend-selected">
              {t("register.suspendSelected", { count: selected.length })}
            </Button>
          </>
        )}
      </Group>
      {q.isPending && <Loader size="sm" aria-label={t("register.loading")} />}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data && (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover verticalSpacing="xs" data-testid="bank-register">
            <Table.Thead>
              <Table.Tr>
                {canSuspend && <Table.Th />}
                <Table.Th>{t("register.col.bank")}</Table.Th>
                <Table.Th>{t("register.col.auth")}</Table.Th>
                <Table.Th>{t("register.col.since")}</Table.Th>
                <Table.Th>{t("register.col.by")}</Table.Th>
                <Table.Th>{t("register.col.suspended")}</Table.Th>
                <Table.Th ta="right">{t("register.col.links")}</Table.Th>
                {canEdit && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((b) => (
                <Table.Tr key={b.code} data-testid={`register-row-${b.code}`}>
                  {canSuspend && (
                    <Table.Td>
                      <Checkbox aria-label={`${b.name} (${b.code})`} checked={selected.includes(b.code)} onChange={(e) => toggle(b.code, e.currentTarget.checked)} />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Anchor component={Link} to={`/banks/${b.code}`} size="sm">
                      {f.bank(b.name, b.nameJa)} ({b.code})
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={b.authMethod === "PIN" ? "red" : "gray"} variant="light" data-testid="register-auth">
                      {t(`volume:auth.${b.authMethod}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{b.authEffectiveAt ? f.jst(b.authEffectiveAt) : t("register.none")}</Table.Td>
                  <Table.Td>{b.authChangedBy ?? t("register.none")}</Table.Td>
                  <Table.Td>{b.suspendedScopes.length ? scopeWords(b.suspendedScopes) : t("register.none")}</Table.Td>
                  <Table.Td ta="right">{f.count(b.linkCount)}</Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Button size="compact-xs" variant="default" onClick={() => setEditing({ code: b.code, name: f.bank(b.name, b.nameJa), authMethod: b.authMethod })} data-testid={`register-edit-${b.code}`}>
                        {t("register.edit")}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing ? t("register.dialogTitle", { bank: `${editing.name} (${editing.code})` }) : ""} size="lg">
        {editing && <AuthForm bank={editing} onClose={() => setEditing(null)} />}
      </Modal>
      {canSuspend && <SuspendDialog bankCodes={selected} opened={suspendOpen} onClose={() => setSuspendOpen(false)} onSuspended={() => update({ select: null })} />}
    </Stack>
  );
}

function AuthForm({ bank, onClose }: { bank: { code: string; authMethod: AuthMethod }; onClose: () => void }) {
  const { t } = useTranslation(["suspensions", "volume"]);
  const f = useFormat();
  const [method, setMethod] = useState<AuthMethod>(bank.authMethod === "PIN" ? "PIN_OTP" : "PIN");
  const [effectiveText, setEffectiveText] = useState(() => toJstInput(new Date()));
  const [reason, setReason] = useState("");
  const history = useBankAuthHistory(bank.code);
  const save = useSetBankAuth(onClose);
  const { submit, busy } = useSubmitOnce(save);
  const effectiveAt = parseJstInput(effectiveText);
  const ok = effectiveAt !== null && method !== bank.authMethod && reason.trim().length >= REASON_LENGTH_MIN;
  return (
    <Stack>
      <Select
        label={t("register.method")}
        data={METHODS.map((m) => ({ value: m, label: t(`volume:auth.${m}`) }))}
        value={method}
        onChange={(v) => v && setMethod(v as AuthMethod)}
        allowDeselect={false}
        data-testid="auth-method"
      />
      <TextInput label={t("register.effective")} value={effectiveText} onChange={(e) => setEffectiveText(e.currentTarget.value)} error={effectiveAt ? null : t("dialog.timeError")} data-testid="auth-effective" />
      <Textarea label={t("dialog.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={1} data-testid="auth-reason" />
      {!busy && save.error && <Alert color="red">{errorMessage(save.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t("dialog.cancel")}
        </Button>
        <Button disabled={!ok || busy} loading={busy} onClick={() => effectiveAt && submit({ bankCode: bank.code, authMethod: method, effectiveAt, reason })} data-testid="auth-save">
          {t("register.save")}
        </Button>
      </Group>
      <Title order={6}>{t("register.history")}</Title>
      {history.data?.length === 0 && <Text size="sm" c="dimmed">{t("register.noHistory")}</Text>}
      {history.data?.map((h) => (
        <Text key={h.id} size="sm">
          {t("register.historyLine", { at: f.jst(h.effectiveAt), from: t(`volume:auth.${h.previousMethod}`), to: t(`volume:auth.${h.authMethod}`), who: h.changedBy ?? "—", reason: h.reason })}
        </Text>
      ))}
    </Stack>
  );
}
