// Claim intake and eligibility in the console (#18): the claim's fields on the new-case form, a
// charge's blocking rules in words, the victim's bank and branch from the Zengin code list, and on
// the case page the claim, the eligibility per charge with a manager's override, and the contact log.
// The rules are the shared pure ones (shared/compensation/eligibility.ts); the server checks again.
import { useState } from "react";
import { Alert, Badge, Button, Card, Group, Modal, Select, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useTRPC, type RouterOutputs } from "../../trpc.ts";
import { useMutationOnce } from "../../components/submit-once.ts";
import { errorMessage } from "../../lib/errors.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { CLAIM_CHANNELS, ClaimInput, type ClaimChannel, type EligibilityRule, type RuleBlock } from "../../../shared/compensation/eligibility.ts";
import { useInvalidateCompensation } from "./queries.ts";

type CaseDetail = RouterOutputs["compensation"]["get"];
type Place = CaseDetail["place"];

export interface ClaimDraft {
  noticedOn: string;
  reportedOn: string;
  channel: ClaimChannel;
  policeReportNumber: string;
}

export const EMPTY_CLAIM: ClaimDraft = { noticedOn: "", reportedOn: "", channel: "PHONE", policeReportNumber: "" };

/** A rule's name with its configured window, and a block in words. */
export function useRuleWords() {
  const { t } = useTranslation("compensation");
  const ruleName = (rule: EligibilityRule, config: { reportWithinDays: number; lossWithinDays: number }) =>
    t(`eligibility.rule.${rule}`, { limit: rule === "REPORTED_WITHIN" ? config.reportWithinDays : config.lossWithinDays });
  const why = (b: RuleBlock) =>
    b.rule === "REPORTED_WITHIN"
      ? t("eligibility.why.REPORTED_WITHIN", { days: b.days, noticed: b.noticedOn, reported: b.reportedOn })
      : b.rule === "LOSS_WITHIN"
        ? t("eligibility.why.LOSS_WITHIN", { days: b.days, reported: b.reportedOn })
        : t("eligibility.why.NOT_REIMBURSED", { amount: b.reimbursedYen, parties: b.parties.join(", ") });
  const blockName = (b: RuleBlock) => ruleName(b.rule, { reportWithinDays: b.rule === "REPORTED_WITHIN" ? b.limitDays : 0, lossWithinDays: b.rule === "LOSS_WITHIN" ? b.limitDays : 0 });
  return { ruleName, why, blockName, blocked: (b: RuleBlock) => t("eligibility.blocked", { rule: blockName(b), why: why(b) }) };
}

/** The claim's fields on the new-case form. */
export function ClaimFields({ claim, onChange, errors }: { claim: ClaimDraft; onChange: (c: Partial<ClaimDraft>) => void; errors: Partial<Record<keyof ClaimDraft, string>> }) {
  const { t } = useTranslation("compensation");
  return (
    <Card withBorder data-testid="claim-fields">
      <Title order={4} mb="xs">
        {t("claim.title")}
      </Title>
      <Group align="flex-start" grow>
        <TextInput type="date" label={t("claim.noticedOn")} description={t("claim.dayHint")} value={claim.noticedOn} onChange={(e) => onChange({ noticedOn: e.currentTarget.value })} error={errors.noticedOn} />
        <TextInput type="date" label={t("claim.reportedOn")} description={t("claim.dayHint")} value={claim.reportedOn} onChange={(e) => onChange({ reportedOn: e.currentTarget.value })} error={errors.reportedOn} />
        <Select
          label={t("claim.channel")}
          data={CLAIM_CHANNELS.map((c) => ({ value: c, label: t(`claim.channels.${c}`) }))}
          value={claim.channel}
          onChange={(v) => v && onChange({ channel: v as ClaimChannel })}
          allowDeselect={false}
        />
        <TextInput label={t("claim.police")} description={t("claim.policeHint")} value={claim.policeReportNumber} onChange={(e) => onChange({ policeReportNumber: e.currentTarget.value })} error={errors.policeReportNumber} />
      </Group>
    </Card>
  );
}

/** The victim's bank and branch as the Zengin code list names them, or why a transfer would be returned. */
export function PlaceLine({ place }: { place: Place }) {
  const { t } = useTranslation("compensation");
  if (place.ok) {
    return (
      <Text size="sm" data-testid="victim-place">
        {t("claim.place", { bank: place.bankName, bankCode: place.bankCode, branch: place.branchName, branchCode: place.branchCode })}
      </Text>
    );
  }
  return (
    <Text size="sm" c="red.7" data-testid="victim-place">
      {place.problem === "BANK_UNKNOWN"
        ? t("claim.placeUnknownBank", { bankCode: place.bankCode })
        : t("claim.placeUnknownBranch", { bank: place.bankName, bankCode: place.bankCode, branchCode: place.branchCode })}
    </Text>
  );
}

/** A charge's blocking rules on the new-case form. */
export function BlockNotes({ chargeId, blocks }: { chargeId: string; blocks: RuleBlock[] }) {
  const { t } = useTranslation("compensation");
  const words = useRuleWords();
  if (blocks.length === 0) return null;
  return (
    <Stack gap={2} data-testid={`blocks-${chargeId}`}>
      {blocks.map((b) => (
        <Text key={b.rule} size="xs" c="red.7">
          {words.blocked(b)}
        </Text>
      ))}
      <Text size="xs" c="dimmed">
        {t("eligibility.needsOverride")}
      </Text>
    </Stack>
  );
}

/** The case page's claim card: the claim, the rules in force, the victim's bank and branch. */
export function ClaimCard({ c }: { c: CaseDetail }) {
  const { t } = useTranslation("compensation");
  const cfg = c.eligibilityConfig;
  const [editing, setEditing] = useState(false);
  return (
    <Card withBorder data-testid="claim-card">
      <Title order={4} mb="xs">
        {t("claim.title")}
      </Title>
      {c.claim ? (
        <>
          <Text size="sm" data-testid="claim-summary">{t("claim.summary", { noticed: c.claim.noticedOn, reported: c.claim.reportedOn, channel: t(`claim.channels.${c.claim.channel as ClaimChannel}`, { defaultValue: c.claim.channel }) })}</Text>
          <Text size="sm">{c.claim.policeReportNumber ? t("claim.policeNumber", { number: c.claim.policeReportNumber }) : t("claim.noPolice")}</Text>
        </>
      ) : (
        <Text size="sm" c={c.claimBlocksCharges ? "red.7" : "dimmed"} data-testid="claim-missing">
          {t(c.claimBlocksCharges ? "claim.noneBlocks" : "claim.none")}
        </Text>
      )}
      {c.actions.correctClaim && (
        <Group mt="xs">
          <Button size="xs" variant="light" onClick={() => setEditing(true)}>
            {t(c.claim ? "claim.correct" : "claim.record")}
          </Button>
        </Group>
      )}
      {editing && <CorrectClaimDialog c={c} onClose={() => setEditing(false)} />}
      <PlaceLine place={c.place} />
      <Text size="xs" c="dimmed" mt="xs">
        {t("claim.rulesNow", { report: cfg.reportWithinDays, loss: cfg.lossWithinDays, reimbursed: t(cfg.refuseReimbursed ? "claim.reimbursedOn" : "claim.reimbursedOff") })}
      </Text>
    </Card>
  );
}

/**
 * Correct the claim (or record one on an older case), with a reason. The server weighs the charges
 * again and refuses, in words naming the charge, a correction that would block money in flight.
 */
function CorrectClaimDialog({ c, onClose }: { c: CaseDetail; onClose: () => void }) {
  const { t } = useTranslation(["compensation", "admin"]);
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  const [draft, setDraft] = useState<ClaimDraft>(
    c.claim ? { noticedOn: c.claim.noticedOn, reportedOn: c.claim.reportedOn, channel: c.claim.channel as ClaimChannel, policeReportNumber: c.claim.policeReportNumber ?? "" } : EMPTY_CLAIM,
  );
  const [reason, setReason] = useState("");
  const reading = ClaimInput.safeParse(draft);
  const errors: Partial<Record<keyof ClaimDraft, string>> = {};
  if (!reading.success) {
    for (const issue of reading.error.issues) {
      const field = issue.path[0] as keyof ClaimDraft;
      if ((field === "noticedOn" || field === "reportedOn") && draft[field] === "") continue;
      errors[field] ??= issue.message;
    }
  }
  const correct = useMutationOnce(
    useMutation(
      trpc.compensation.correctClaim.mutationOptions({
        onSuccess: async (out) => {
          notifications.show({
            color: out.blocked.length > 0 ? "orange" : "green",
            message: [
              t(out.recorded ? "claim.recordedDone" : "claim.correctedDone"),
              out.blocked.length > 0 ? t("claim.nowBlocked", { ids: out.blocked.map((b) => b.chargeId).join(", ") }) : "",
              out.unblocked.length > 0 ? t("claim.nowUnblocked", { ids: out.unblocked.map((b) => b.chargeId).join(", ") }) : "",
            ]
              .filter(Boolean)
              .join(" "),
          });
          await invalidate();
          onClose();
        },
      }),
    ),
  );
  return (
    <Modal opened onClose={onClose} title={t(c.claim ? "claim.correctTitle" : "claim.recordTitle")} size="xl">
      <Stack>
        <Text size="sm">{t("claim.correctText")}</Text>
        <ClaimFields claim={draft} onChange={(change) => setDraft((d) => ({ ...d, ...change }))} errors={errors} />
        <Textarea label={t("admin:reasonModal.label")} description={t("admin:reasonModal.description")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {correct.error && (
          <Alert color="red" data-testid="correct-claim-error">
            {errorMessage(correct.error)}
          </Alert>
        )}
        <Button
          loading={correct.isPending}
          disabled={correct.isPending || !reading.success || reason.trim().length < REASON_LENGTH_MIN}
          onClick={() =>
            correct.mutate({ caseId: c.id, claim: { ...draft, policeReportNumber: draft.policeReportNumber.trim() || undefined }, reason: reason.trim() })
          }
        >
          {t(c.claim ? "claim.correctSubmit" : "claim.recordSubmit")}
        </Button>
      </Stack>
    </Modal>
  );
}

/** Per charge of the case: which rule blocks it, overridden or not; a manager's Override button. */
export function EligibilityCard({ c }: { c: CaseDetail }) {
  const { t } = useTranslation("compensation");
  const words = useRuleWords();
  const [target, setTarget] = useState<{ chargeId: string; block: RuleBlock } | null>(null);
  const rows = c.lines.flatMap((l) => l.blocks.map((b) => ({ chargeId: l.chargeId, block: b as RuleBlock, override: l.overrides.find((o) => o.rule === b.rule) ?? null })));
  return (
    <Card withBorder data-testid="eligibility-card">
      <Title order={4} mb="xs">
        {t("eligibility.title")}
      </Title>
      {c.claimBlocksCharges && (
        <Alert color="red" mb="xs" data-testid="eligibility-no-claim">
          {t("eligibility.noClaim")}
        </Alert>
      )}
      {rows.length === 0 ? (
        !c.claimBlocksCharges && (
          <Text size="sm" c="dimmed">
            {t("eligibility.allClear")}
          </Text>
        )
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("eligibility.col.charge")}</Table.Th>
              <Table.Th>{t("eligibility.col.rule")}</Table.Th>
              <Table.Th>{t("eligibility.col.status")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={`${r.chargeId}-${r.block.rule}`} data-testid={`block-${r.chargeId}-${r.block.rule}`}>
                <Table.Td>
                  <Text size="sm">{r.chargeId}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {words.blockName(r.block)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {words.why(r.block)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {r.override ? (
                    <Text size="sm" c="teal.8">
                      {t("eligibility.overridden", { rule: words.blockName(r.block), who: r.override.byEmail, at: r.override.at, reason: r.override.reason })}
                    </Text>
                  ) : (
                    <Stack gap={2}>
                      <Badge color="red" variant="light">
                        {t("eligibility.blockedBadge")}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {t("eligibility.needsOverride")}
                      </Text>
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td>
                  {!r.override && c.actions.overrideRules && (
                    <Button size="xs" variant="light" color="orange" aria-label={t("eligibility.overrideFor", { rule: words.blockName(r.block), id: r.chargeId })} onClick={() => setTarget({ chargeId: r.chargeId, block: r.block })}>
                      {t("eligibility.override")}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {target && <OverrideDialog caseId={c.id} target={target} onClose={() => setTarget(null)} />}
    </Card>
  );
}

function OverrideDialog({ caseId, target, onClose }: { caseId: string; target: { chargeId: string; block: RuleBlock }; onClose: () => void }) {
  const { t } = useTranslation(["compensation", "admin"]);
  const words = useRuleWords();
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  const [reason, setReason] = useState("");
  const override = useMutationOnce(
    useMutation(
      trpc.compensation.overrideRule.mutationOptions({
        onSuccess: async () => {
          notifications.show({ color: "green", message: t("eligibility.overrideDone") });
          await invalidate();
          onClose();
        },
      }),
    ),
  );
  return (
    <Modal opened onClose={onClose} title={t("eligibility.overrideTitle")}>
      <Stack>
        <Text size="sm">{t("eligibility.overrideText", { id: target.chargeId, why: words.why(target.block) })}</Text>
        <Textarea label={t("admin:reasonModal.label")} description={t("admin:reasonModal.description")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {override.error && <Alert color="red">{errorMessage(override.error)}</Alert>}
        <Button
          color="orange"
          loading={override.isPending}
          disabled={reason.trim().length < REASON_LENGTH_MIN}
          onClick={() => override.mutate({ caseId, chargeId: target.chargeId, rule: target.block.rule, reason: reason.trim() })}
        >
          {t("eligibility.overrideFor", { rule: words.blockName(target.block), id: target.chargeId })}
        </Button>
      </Stack>
    </Modal>
  );
}

/** The contact log with the victim, and a form to add to it. */
export function ContactLogCard({ c }: { c: CaseDetail }) {
  const { t } = useTranslation("compensation");
  const trpc = useTRPC();
  const invalidate = useInvalidateCompensation();
  const [when, setWhen] = useState("");
  const [channel, setChannel] = useState<ClaimChannel>("PHONE");
  const [note, setNote] = useState("");
  const add = useMutationOnce(
    useMutation(
      trpc.compensation.addContact.mutationOptions({
        onSuccess: async () => {
          notifications.show({ color: "green", message: t("contacts.saved") });
          setNote("");
          setWhen("");
          await invalidate();
        },
      }),
    ),
  );
  // The time is typed as JST wall-clock time.
  const at = when ? new Date(`${when}:00+09:00`) : new Date();
  return (
    <Card withBorder data-testid="contact-log">
      <Title order={4} mb="xs">
        {t("contacts.title")}
      </Title>
      {c.contacts.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("contacts.none")}
        </Text>
      ) : (
        <Stack gap={6}>
          {c.contacts.map((e) => (
            <div key={e.id} data-testid="contact-entry">
              <Text size="xs" c="dimmed">
                {t("contacts.entry", { at: e.contactedAt, channel: t(`claim.channels.${e.channel as ClaimChannel}`, { defaultValue: e.channel }), who: e.staffEmail })}
              </Text>
              <Text size="sm">{e.note}</Text>
            </div>
          ))}
        </Stack>
      )}
      {c.actions.addContact && (
        <Stack gap="xs" mt="sm">
          <Group align="flex-end" grow>
            <TextInput type="datetime-local" label={t("contacts.when")} value={when} onChange={(e) => setWhen(e.currentTarget.value)} />
            <Select label={t("claim.channel")} data={CLAIM_CHANNELS.map((ch) => ({ value: ch, label: t(`claim.channels.${ch}`) }))} value={channel} onChange={(v) => v && setChannel(v as ClaimChannel)} allowDeselect={false} />
          </Group>
          <Textarea label={t("contacts.note")} placeholder={t("contacts.notePlaceholder")} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
          {add.error && <Alert color="red">{errorMessage(add.error)}</Alert>}
          <Group>
            <Button size="xs" loading={add.isPending} disabled={note.trim().length < REASON_LENGTH_MIN || Number.isNaN(at.getTime())} onClick={() => add.mutate({ caseId: c.id, contactedAt: at, channel, note: note.trim() })}>
              {t("contacts.save")}
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}
