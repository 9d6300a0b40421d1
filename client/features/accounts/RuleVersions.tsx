// The Rules page's versions (#16): every rule version (draft, active, retired), the draft editor
// (enabled, points, thresholds per rule), a draft's backtest on the stored history, activation and
// rollback (a manager, with a reason), and the score bands (automatic freeze, off by default).
// The ring signals (RING, LOCKSTEP) are version entries after the rule table's rules: their params
// are shown in words with their units (minutes, points, shares as %).
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, NumberInput, Progress, SimpleGrid, Stack, Switch, Table, Text, Textarea, Title } from "@mantine/core";
import { Fragment, useEffect, useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { RING_SETTING_RULES, type ParamBounds } from "../../../shared/accounts/ring-settings.ts";
import { JstTime, useFormat } from "../../components/format.tsx";
import { useSubmitOnce } from "../../components/submit-once.ts";
import { useRuleLabel } from "../../i18n/words.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { RouterOutputs } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import {
  useActivateRuleVersion,
  useCreateRuleDraft,
  useLatestBacktest,
  useRollbackRuleVersion,
  useRuleVersions,
  useSetScoreBands,
  useStartBacktest,
  useUpdateRuleDraft,
} from "./queries.ts";

type Versions = RouterOutputs["accounts"]["ruleVersions"];
type Version = Versions["versions"][number];
type Settings = Version["settings"];

const STATE_COLORS = { DRAFT: "yellow", ACTIVE: "green", RETIRED: "gray" } as const;

const RING_BOUNDS = new Map<string, Readonly<Record<string, ParamBounds>>>(RING_SETTING_RULES.map((r) => [r.code, r.bounds]));
/** A ring signal's param: its range and unit (null: a rule table's param, shown as stored). */
function boundsOf(code: string, param: string): ParamBounds | null {
  return RING_BOUNDS.get(code)?.[param] ?? null;
}
/** A share is stored 0–1 and shown in % (rounded off the binary float noise). */
const asShown = (v: number, b: ParamBounds | null) => (b?.unit === "share" ? Math.round(v * 1e6) / 1e4 : v);
const asStored = (v: number, b: ParamBounds | null) => (b?.unit === "share" ? Math.round(v * 1e4) / 1e6 : v);

/** A param's words: a ring signal's in the reader's language with its unit; a rule table's by its name. */
export function useParamWords() {
  const { t } = useTranslation("accounts");
  const suffix = (code: string, param: string) => {
    const b = boundsOf(code, param);
    return b ? t(`versions.unit.${b.unit}`) : "";
  };
  return {
    label: (code: string, param: string) => (boundsOf(code, param) ? t(`versions.param.${param as "windowMinutes"}`) : param),
    suffix,
    value: (code: string, param: string, v: number) => `${asShown(v, boundsOf(code, param)).toLocaleString("en-US", { maximumFractionDigits: 4 })}${suffix(code, param)}`,
  };
}

/** Asks for the reason of a change, then sends it (one request per click); the error in words. */
function ReasonPrompt({
  opened,
  title,
  confirm,
  onClose,
  onConfirm,
  busy,
  error,
  children,
  color,
}: {
  opened: boolean;
  title: string;
  confirm: string;
  onClose: () => void;
  onConfirm: (reason: string) => void;
  busy: boolean;
  error: unknown;
  children?: React.ReactNode;
  color?: string;
}) {
  const { t } = useTranslation("accounts");
  const [reason, setReason] = useState("");
  const tooShort = reason.trim().length < REASON_LENGTH_MIN;
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!tooShort) onConfirm(reason.trim());
        }}
      >
        <Stack>
          {children}
          <Textarea label={t("action.reason")} description={t("action.reasonHint", { min: REASON_LENGTH_MIN })} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} data-autofocus required data-testid="rule-reason" />
          {!busy && error ? <Text c="red" size="sm" role="alert">{errorMessage(error)}</Text> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t("action.cancel")}</Button>
            <Button type="submit" color={color} loading={busy} disabled={tooShort || busy}>{confirm}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A mutation behind a reason prompt: open() shows it; the prompt closes when the change is done. */
function useReasoned<V>(mutation: Parameters<typeof useSubmitOnce<unknown, unknown, V, unknown>>[0]) {
  const [opened, setOpened] = useState(false);
  const { submit, busy } = useSubmitOnce(mutation);
  useEffect(() => {
    if (mutation.isSuccess) setOpened(false);
  }, [mutation.isSuccess]);
  return {
    opened,
    open: () => {
      mutation.reset();
      setOpened(true);
    },
    close: () => setOpened(false),
    submit,
    busy,
    error: mutation.error,
  };
}

function ChangesList({ changes }: { changes: Version["changes"] }) {
  const { t } = useTranslation("accounts");
  const ruleLabel = useRuleLabel();
  const words = useParamWords();
  if (changes.length === 0) return <Text size="sm" c="dimmed">{t("versions.noChanges")}</Text>;
  const show = (code: string, field: string, v: number | boolean) =>
    typeof v === "boolean" ? (v ? t("versions.on") : t("versions.off")) : field === "points" ? String(v) : words.value(code, field, v);
  return (
    <Stack gap={2} data-testid="version-changes">
      {changes.map((c) => (
        <Text size="sm" key={`${c.code}.${c.field}`}>
          {ruleLabel(c.code)} · {c.field === "enabled" ? t("versions.enabled") : c.field === "points" ? t("versions.points") : words.label(c.code, c.field)}: {show(c.code, c.field, c.before)} → <b>{show(c.code, c.field, c.after)}</b>
        </Text>
      ))}
    </Stack>
  );
}

function DraftEditor({ draft, catalogue }: { draft: Version; catalogue: Versions["catalogue"] }) {
  const { t } = useTranslation("accounts");
  const ruleLabel = useRuleLabel();
  const words = useParamWords();
  const [settings, setSettings] = useState<Settings>(draft.settings);
  useEffect(() => setSettings(draft.settings), [draft.id, draft.updatedAt]); // eslint-disable-line react-hooks/exhaustive-deps
  const save = useReasoned(useUpdateRuleDraft());
  const set = (code: string, patch: Partial<Settings[string]>) => setSettings((s) => ({ ...s, [code]: { ...s[code], ...patch, params: { ...s[code].params, ...(patch.params ?? {}) } } }));
  const dirty = JSON.stringify(settings) !== JSON.stringify(draft.settings);
  return (
    <Stack gap="xs">
      <Table verticalSpacing={4} data-testid="draft-editor">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("rulesPage.col.rule")}</Table.Th>
            <Table.Th>{t("versions.enabled")}</Table.Th>
            <Table.Th>{t("versions.points")}</Table.Th>
            <Table.Th>{t("rulesPage.col.params")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {catalogue.map((r, i) => {
            const s = settings[r.code];
            if (!s) return null;
            const firstRing = r.bounds !== null && catalogue[i - 1]?.bounds === null;
            return (
              <Fragment key={r.code}>
              {firstRing && (
                <Table.Tr>
                  <Table.Td colSpan={4}><Text size="sm" fw={600} mt="xs">{t("versions.ringSignals")}</Text></Table.Td>
                </Table.Tr>
              )}
              <Table.Tr data-rule={r.code}>
                <Table.Td><Text size="sm" fw={600}>{ruleLabel(r.code)}</Text><Text size="xs" c="dimmed" ff="monospace">{r.code}</Text></Table.Td>
                <Table.Td><Checkbox checked={s.enabled} onChange={(e) => set(r.code, { enabled: e.currentTarget.checked })} aria-label={`${r.code} ${t("versions.enabled")}`} /></Table.Td>
                <Table.Td>
                  <NumberInput w={80} size="xs" min={0} max={100} allowDecimal={false} value={s.points} onChange={(v) => set(r.code, { points: typeof v === "number" ? v : Number(v) || 0 })} aria-label={`${r.code} ${t("versions.points")}`} />
                </Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    {Object.keys(r.params).map((k) => {
                      const b = boundsOf(r.code, k);
                      return b ? (
                        <NumberInput
                          key={k}
                          w={200}
                          size="xs"
                          label={words.label(r.code, k)}
                          suffix={words.suffix(r.code, k)}
                          min={asShown(b.min, b)}
                          max={asShown(b.max, b)}
                          allowDecimal={!b.whole}
                          value={asShown(s.params[k], b)}
                          onChange={(v) => set(r.code, { params: { [k]: asStored(typeof v === "number" ? v : Number(v) || 0, b) } })}
                          aria-label={`${r.code} ${k}`}
                        />
                      ) : (
                        <NumberInput key={k} w={150} size="xs" label={k} min={0} value={s.params[k]} onChange={(v) => set(r.code, { params: { [k]: typeof v === "number" ? v : Number(v) || 0 } })} aria-label={`${r.code} ${k}`} />
                      );
                    })}
                    {Object.keys(r.params).length === 0 && <Text size="xs" c="dimmed">—</Text>}
                  </Group>
                </Table.Td>
              </Table.Tr>
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
      <Group>
        <Button onClick={save.open} disabled={!dirty} data-testid="save-draft">{t("versions.saveDraft")}</Button>
        {dirty && <Text size="sm" c="orange">{t("versions.unsaved")}</Text>}
      </Group>
      <ReasonPrompt opened={save.opened} title={t("versions.saveDraftTitle", { id: draft.id })} confirm={t("versions.saveDraft")} onClose={save.close} busy={save.busy} error={save.error} onConfirm={(reason) => save.submit({ versionId: draft.id, settings, reason })} />
    </Stack>
  );
}

function ratio(v: number | null, lang: string) {
  return v === null ? "—" : `${(v * 100).toLocaleString(lang === "ja" ? "ja-JP" : "en-US", { maximumFractionDigits: 1 })}%`;
}

function BacktestPanel({ version, canBacktest }: { version: Version; canBacktest: boolean }) {
  const { t } = useTranslation("accounts");
  const f = useFormat();
  const q = useLatestBacktest(version.id);
  const start = useReasoned(useStartBacktest());
  const b = q.data;
  const r = b?.result;
  const row = (label: string, pick: (x: NonNullable<typeof r>["draft"]) => string) =>
    r && (
      <Table.Tr>
        <Table.Td>{label}</Table.Td>
        <Table.Td ta="right">{pick(r.active)}</Table.Td>
        <Table.Td ta="right">{pick(r.draft)}</Table.Td>
      </Table.Tr>
    );
  const walletList = (title: string, list: NonNullable<typeof r>["newlyFlaggedSample"], total: number, testId: string) => (
    <Stack gap={2} data-testid={testId}>
      <Text size="sm" fw={600}>{title}: {f.count(total)}</Text>
      {list.map((w) => (
        <Text size="xs" key={w.accountId}>
          <Anchor component={Link} to={`/accounts/${encodeURIComponent(w.accountId)}`} ff="monospace" size="xs">{w.accountId}</Anchor> {w.activeScore} → {w.draftScore}
          {w.reviewLabel ? ` · ${t(`label.${w.reviewLabel as "LEGITIMATE"}`)}` : ""}
          {w.demoFraud ? ` · ${t("versions.demoFraud")}` : ""}
        </Text>
      ))}
      {total > list.length && <Text size="xs" c="dimmed">{t("versions.more", { count: total - list.length })}</Text>}
    </Stack>
  );
  return (
    <Stack gap="xs" data-testid="backtest">
      <Group>
        <Title order={5}>{t("versions.backtest")}</Title>
        {canBacktest && <Button size="xs" variant="light" onClick={start.open} disabled={b?.running} data-testid="start-backtest">{t("versions.runBacktest")}</Button>}
      </Group>
      {!b && <Text size="sm" c="dimmed">{t("versions.noBacktest")}</Text>}
      {b?.running && (
        <Stack gap={2}>
          <Text size="sm">{t("versions.backtestRunning", { scored: f.count(b.scored), total: f.count(b.total) })}</Text>
          <Progress value={b.total > 0 ? (100 * b.scored) / b.total : 0} animated />
        </Stack>
      )}
      {b?.error && <Alert color="red">{b.error}</Alert>}
      {b && r && (
        <>
          <Text size="xs" c="dimmed">
            {t("versions.backtestDone", { against: b.againstId, scored: f.count(r.scored), seconds: ((b.durationMs ?? 0) / 1000).toFixed(1) })} <JstTime at={b.finishedAt} />
          </Text>
          <Table withTableBorder verticalSpacing={2} data-testid="backtest-table" maw={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th ta="right">{t("versions.activeCol", { id: b.againstId })}</Table.Th>
                <Table.Th ta="right">{t("versions.versionCol", { id: b.versionId })}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {row(t("versions.flagged"), (x) => f.count(x.flagged))}
              {row(t("versions.confirmed"), (x) => f.count(x.confirmedFraud))}
              {row(t("versions.legitimate"), (x) => f.count(x.legitimate))}
              {row(t("versions.precision"), (x) => ratio(x.precision, f.lang))}
              {row(t("versions.recall", { n: f.count(r.labelledFraud) }), (x) => ratio(x.recall, f.lang))}
              {r.demoFraudPresent !== null && row(t("versions.demoPrecision"), (x) => ratio(x.demoPrecision, f.lang))}
              {r.demoFraudPresent !== null && row(t("versions.demoRecall", { n: f.count(r.demoFraudPresent) }), (x) => ratio(x.demoRecall, f.lang))}
            </Table.Tbody>
          </Table>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {walletList(t("versions.newlyFlagged"), r.newlyFlaggedSample, r.newlyFlagged, "newly-flagged")}
            {walletList(t("versions.noLongerFlagged"), r.noLongerFlaggedSample, r.noLongerFlagged, "no-longer-flagged")}
          </SimpleGrid>
        </>
      )}
      <ReasonPrompt opened={start.opened} title={t("versions.runBacktestTitle", { id: version.id })} confirm={t("versions.runBacktest")} onClose={start.close} busy={start.busy} error={start.error} onConfirm={(reason) => start.submit({ versionId: version.id, reason })} />
    </Stack>
  );
}

function BandsCard({ bands }: { bands: Versions["bands"] }) {
  const { t } = useTranslation("accounts");
  const canSet = useCan("accounts.ruleSetBands");
  const [autoFreeze, setAutoFreeze] = useState(bands.autoFreeze);
  const [freezeFrom, setFreezeFrom] = useState(bands.freezeFrom);
  useEffect(() => {
    setAutoFreeze(bands.autoFreeze);
    setFreezeFrom(bands.freezeFrom);
  }, [bands.autoFreeze, bands.freezeFrom]);
  const save = useReasoned(useSetScoreBands());
  const dirty = autoFreeze !== bands.autoFreeze || freezeFrom !== bands.freezeFrom;
  return (
    <Card withBorder data-testid="score-bands">
      <Title order={4} mb="xs">{t("bands.title")}</Title>
      <Stack gap={4}>
        <Text size="sm">{t("bands.review", { threshold: bands.threshold })}</Text>
        <Text size="sm">{bands.autoFreeze ? t("bands.freezeOn", { from: bands.freezeFrom }) : t("bands.freezeOff")}</Text>
        {canSet && (
          <Group align="flex-end">
            <Switch label={t("bands.autoFreeze")} checked={autoFreeze} onChange={(e) => setAutoFreeze(e.currentTarget.checked)} />
            <NumberInput w={140} size="xs" label={t("bands.freezeFrom")} min={bands.threshold} max={100} allowDecimal={false} value={freezeFrom} onChange={(v) => setFreezeFrom(typeof v === "number" ? v : Number(v) || 0)} />
            <Button size="xs" onClick={save.open} disabled={!dirty}>{t("bands.save")}</Button>
          </Group>
        )}
      </Stack>
      <ReasonPrompt opened={save.opened} title={t("bands.title")} confirm={t("bands.save")} onClose={save.close} busy={save.busy} error={save.error} onConfirm={(reason) => save.submit({ autoFreeze, freezeFrom, reason })}>
        <Text size="sm">{autoFreeze ? t("bands.freezeOn", { from: freezeFrom }) : t("bands.freezeOff")}</Text>
      </ReasonPrompt>
    </Card>
  );
}

export function RuleVersionsSection() {
  const { t } = useTranslation("accounts");
  const q = useRuleVersions();
  const canDraft = useCan("accounts.ruleDraft");
  const canActivate = useCan("accounts.ruleActivate");
  const canRollback = useCan("accounts.ruleRollback");
  const canBacktest = useCan("accounts.ruleBacktest");
  const [selected, setSelected] = useState<number | null>(null);
  const createMutation = useCreateRuleDraft();
  const create = useReasoned(createMutation);
  const activate = useReasoned(useActivateRuleVersion());
  const rollback = useReasoned(useRollbackRuleVersion());
  // A new draft opens in the editor.
  const createdId = createMutation.data?.versionId;
  useEffect(() => {
    if (createdId !== undefined) setSelected(createdId);
  }, [createdId]);
  if (q.isPending) return null;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const d = q.data;
  const active = d.versions.find((v) => v.state === "ACTIVE");
  const chosen = d.versions.find((v) => v.id === selected) ?? d.versions.find((v) => v.state === "DRAFT") ?? active;
  return (
    <Stack>
      <Card withBorder data-testid="rule-versions">
        <Group justify="space-between" mb="xs">
          <Title order={4}>{t("versions.title")}</Title>
          <Group gap="xs">
            {canDraft && <Button size="xs" onClick={create.open} data-testid="new-draft">{t("versions.newDraft")}</Button>}
            {canRollback && active?.previousActive != null && (
              <Button size="xs" color="orange" variant="light" onClick={rollback.open} data-testid="rollback">{t("versions.rollback", { id: active.previousActive })}</Button>
            )}
          </Group>
        </Group>
        {d.rescore?.running && (
          <Alert color="blue" mb="xs" data-testid="rescore-running">{t("versions.rescoring", { scored: d.rescore.scored, total: d.rescore.total })}</Alert>
        )}
        <Table verticalSpacing={4} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("versions.version")}</Table.Th>
              <Table.Th>{t("versions.state")}</Table.Th>
              <Table.Th>{t("versions.note")}</Table.Th>
              <Table.Th>{t("versions.created")}</Table.Th>
              <Table.Th>{t("versions.activated")}</Table.Th>
              <Table.Th>{t("versions.changesCol")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.versions.map((v) => (
              <Table.Tr key={v.id} onClick={() => setSelected(v.id)} style={{ cursor: "pointer" }} bg={chosen?.id === v.id ? "var(--mantine-color-blue-light)" : undefined} data-testid={`version-row-${v.id}`}>
                <Table.Td fw={700}>v{v.id}</Table.Td>
                <Table.Td><Badge color={STATE_COLORS[v.state]} data-testid={`version-state-${v.id}`}>{t(`versions.states.${v.state}`)}</Badge></Table.Td>
                <Table.Td><Text size="sm">{v.note}</Text></Table.Td>
                <Table.Td><Text size="xs">{v.createdBy}</Text><Text size="xs" c="dimmed"><JstTime at={v.createdAt} /></Text></Table.Td>
                <Table.Td>{v.activatedAt ? <><Text size="xs">{v.activatedBy}</Text><Text size="xs" c="dimmed"><JstTime at={v.activatedAt} /></Text></> : "—"}</Table.Td>
                <Table.Td>{v.state === "ACTIVE" ? "—" : v.changes.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>

      {chosen && (
        <Card withBorder data-testid="version-detail">
          <Group justify="space-between" mb="xs">
            <Title order={4}>{t("versions.detailTitle", { id: chosen.id, state: t(`versions.states.${chosen.state}`) })}</Title>
            {canActivate && chosen.state === "DRAFT" && (
              <Button color="green" onClick={activate.open} disabled={chosen.problems.length > 0} data-testid="activate">{t("versions.activate")}</Button>
            )}
          </Group>
          <Stack>
            {chosen.state !== "ACTIVE" && (
              <div>
                <Text size="sm" fw={600}>{t("versions.changesAgainst", { id: d.activeId })}</Text>
                <ChangesList changes={chosen.changes} />
              </div>
            )}
            {chosen.problems.length > 0 && <Alert color="red">{chosen.problems.map((p) => p.message).join(" ")}</Alert>}
            {chosen.state === "DRAFT" && canDraft && <DraftEditor draft={chosen} catalogue={d.catalogue} />}
            {chosen.state !== "ACTIVE" && <BacktestPanel version={chosen} canBacktest={canBacktest} />}
          </Stack>
          <ReasonPrompt opened={activate.opened} title={t("versions.activateTitle", { id: chosen.id })} confirm={t("versions.activate")} color="green" onClose={activate.close} busy={activate.busy} error={activate.error} onConfirm={(reason) => activate.submit({ versionId: chosen.id, reason })}>
            <Text size="sm">{t("versions.activateHint", { id: d.activeId })}</Text>
            <ChangesList changes={chosen.changes} />
          </ReasonPrompt>
        </Card>
      )}

      <ReasonPrompt opened={create.opened} title={t("versions.newDraftTitle", { id: d.activeId })} confirm={t("versions.newDraft")} onClose={create.close} busy={create.busy} error={create.error} onConfirm={(reason) => create.submit({ reason })} />
      {active && (
        <ReasonPrompt opened={rollback.opened} title={t("versions.rollbackTitle", { id: active.previousActive })} confirm={t("versions.rollback", { id: active.previousActive })} color="orange" onClose={rollback.close} busy={rollback.busy} error={rollback.error} onConfirm={(reason) => rollback.submit({ reason })}>
          <Text size="sm">{t("versions.rollbackHint", { from: active.id, to: active.previousActive })}</Text>
        </ReasonPrompt>
      )}
      <BandsCard bands={d.bands} />
    </Stack>
  );
}
