// New case: pick the victim (from a charge, from a wallet's victims, or by searching the bank
// account), tick the charges to pay back (unpaid ones come ticked), adjust amounts, give a reason.
// The form refuses an overpayment before submitting; the server checks again under a lock. One
// idempotency key per form, so a double click or a retry never creates two cases.
import { useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Loader, Stack, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/trpc/app-router.ts";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { JstTime, Yen } from "../../components/format.tsx";
import { formatYen } from "../../../shared/format.ts";
import { parseYenAmount } from "../../../shared/amount.ts";
import { AmountInput, useAmountWords } from "../../components/AmountInput.tsx";
import { DEFAULT_APPROVAL_THRESHOLD_YEN } from "../../../shared/compensation/schemas.ts";
import { REASON_LENGTH_MIN } from "../../../shared/limits.ts";
import { useInvalidateCompensation, VictimLine, VictimSearch } from "./parts.tsx";
import { AccountLink } from "../../components/AccountLink.tsx";

type Victim = NonNullable<inferRouterOutputs<AppRouter>["compensation"]["victimForCharge"]>;

/** A random key for this form; crypto.randomUUID needs a secure context, so fall back to random bytes. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export default function NewCasePage() {
  const [params, setParams] = useSearchParams();
  const chargeId = params.get("chargeId");
  const accountId = params.get("accountId");
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>New compensation case</Title>
        <Anchor component={Link} to="/compensation" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} /> Compensation queue
          </Group>
        </Anchor>
      </Group>
      {chargeId ? (
        <VictimForm key={chargeId} chargeId={chargeId} onChangeVictim={() => setParams(accountId ? { accountId } : {})} />
      ) : accountId ? (
        <WalletVictims accountId={accountId} onPick={(ref) => setParams({ accountId, chargeId: ref })} />
      ) : (
        <>
          <Text c="dimmed" size="sm">
            Find the victim by the bank account the money was taken from, or start from the likely-victims list or a wallet's page.
          </Text>
          <VictimSearch />
        </>
      )}
    </Stack>
  );
}

/** "Compensate the victims of this wallet": the bank accounts it charged from. */
function WalletVictims({ accountId, onPick }: { accountId: string; onPick: (ref: string) => void }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.victimsOfAccount.queryOptions({ accountId }));
  if (q.isPending) return <Loader aria-label="Loading the wallet's victims" />;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  const { wallet, victims } = q.data;
  return (
    <Card withBorder>
      <Text size="sm" mb="xs">
        Victims of wallet{" "}
        <AccountLink accountId={wallet.id} />{" "}
        ({wallet.holderName}, risk score {wallet.riskScore}
        {wallet.reviewLabel ? `, ${wallet.reviewLabel === "CONFIRMED_FRAUD" ? "confirmed fraud" : "marked legitimate"}` : ""})
      </Text>
      {!wallet.fraudulent && (
        <Alert color="gray">This wallet is not flagged or confirmed as fraud, so its charges cannot be compensated here. Ask an analyst to review it first.</Alert>
      )}
      {wallet.fraudulent && victims.length === 0 && <Alert color="gray">This wallet made no charges.</Alert>}
      {victims.length > 0 && (
        <Table data-testid="wallet-victims">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Victim</Table.Th>
              <Table.Th ta="right">Taken by this wallet</Table.Th>
              <Table.Th ta="right">Still owed</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {victims.map((v) => (
              <Table.Tr key={v.ref}>
                <Table.Td>
                  <VictimLine {...v} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.takenYen} />
                </Table.Td>
                <Table.Td ta="right">
                  <Yen value={v.owedYen} />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => onPick(v.ref)} disabled={v.owedYen === 0}>
                    {v.owedYen === 0 ? "Nothing owed" : "Choose"}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function VictimForm({ chargeId, onChangeVictim }: { chargeId: string; onChangeVictim: () => void }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.compensation.victimForCharge.queryOptions({ chargeId }));
  if (q.isPending) return <Loader aria-label="Loading the victim" />;
  if (q.error) return <Alert color="red">{errorMessage(q.error)}</Alert>;
  if (!q.data) {
    return (
      <Alert color="gray">
        This charge's bank account has no charges by flagged or confirmed-fraud wallets, so there is nothing to compensate.{" "}
        <Anchor component="button" onClick={onChangeVictim}>
          Choose another victim
        </Anchor>
      </Alert>
    );
  }
  return <CaseForm victim={q.data} onChangeVictim={onChangeVictim} />;
}

interface LineDraft {
  checked: boolean;
  /** Exactly what was typed; read with shared/amount.ts, never rewritten. */
  amountText: string;
}

function CaseForm({ victim, onChangeVictim }: { victim: Victim; onChangeVictim: () => void }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const invalidate = useInvalidateCompensation();
  const settings = useQuery(trpc.admin.settings.queryOptions());
  const thresholdYen = settings.data?.find((s) => s.key === "compensation.approvalThresholdYen")?.value ?? DEFAULT_APPROVAL_THRESHOLD_YEN;
  // One key for the life of this form: resubmitting the same content returns the same case.
  const [idempotencyKey] = useState(newIdempotencyKey);
  // A second click lands before React re-renders the disabled button: ignore it here too (the
  // shared key would make it harmless anyway, but it would show a second notice).
  const inFlight = useRef(false);
  const amountWords = useAmountWords();
  const [holderName, setHolderName] = useState(victim.holderName ?? "");
  const [reason, setReason] = useState("");
  // Unpaid fraudulent charges come ticked, for what is still owed on each.
  const [drafts, setDrafts] = useState<Record<string, LineDraft>>(() =>
    Object.fromEntries(victim.charges.map((c) => [c.chargeId, { checked: c.owedYen > 0, amountText: c.owedYen > 0 ? String(c.owedYen) : "" }])),
  );
  const create = useMutation(
    trpc.compensation.create.mutationOptions({
      onSettled: () => {
        inFlight.current = false;
      },
      onSuccess: async (res) => {
        notifications.show({ color: "green", message: res.replayed ? "This case had already been created." : "Case created." });
        await invalidate();
        navigate(`/compensation/cases/${res.caseId}`, { replace: true });
      },
      // What is left may have changed (another agent): show the fresh remaining amounts.
      onError: () => invalidate(),
    }),
  );

  const problems: Record<string, string> = {};
  const lines: Array<{ chargeId: string; amountYen: number }> = [];
  for (const c of victim.charges) {
    const d = drafts[c.chargeId];
    if (!d?.checked) continue;
    const reading = parseYenAmount(d.amountText, { min: 1 });
    const amount = reading.ok ? reading.value : 0;
    if (!reading.ok) problems[c.chargeId] = amountWords(reading) ?? "";
    else if (amount > c.owedYen) problems[c.chargeId] = c.owedYen === 0 ? "Nothing is left to pay back on this charge." : `At most ${formatYen(c.owedYen)} is left to pay back.`;
    else lines.push({ chargeId: c.chargeId, amountYen: amount });
  }
  const totalYen = lines.reduce((s, l) => s + l.amountYen, 0);
  const problemCount = Object.keys(problems).length;
  const blockers = [
    lines.length === 0 && problemCount === 0 ? "Tick at least one charge." : null,
    problemCount > 0 ? `Fix the amount${problemCount === 1 ? "" : "s"} marked in red.` : null,
    holderName.trim() === "" ? "Enter the holder name." : null,
    reason.trim().length < REASON_LENGTH_MIN ? `Give a reason of at least ${REASON_LENGTH_MIN} characters.` : null,
  ].filter((b): b is string => b !== null);
  const existingCaseId = create.error instanceof TRPCClientError ? ((create.error.data as { details?: { caseId?: string } })?.details?.caseId ?? null) : null;
  const setDraft = (chargeId: string, change: Partial<LineDraft>) => setDrafts((all) => ({ ...all, [chargeId]: { ...all[chargeId], ...change } }));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (blockers.length > 0 || create.isPending || inFlight.current) return;
        inFlight.current = true;
        create.mutate({ idempotencyKey, holderName: holderName.trim(), lines, reason: reason.trim() });
      }}
    >
      <Stack>
        <Card withBorder>
          <Group justify="space-between">
            <div>
              <Text size="xs" c="dimmed">
                Victim (the bank account the money was taken from)
              </Text>
              <VictimLine {...victim} />
              <Text size="sm" c="dimmed">
                <Yen value={victim.takenYen} /> taken · <Yen value={victim.paidYen} /> paid back · <Yen value={victim.pendingYen} /> pending · <Yen value={victim.owedYen} /> still owed
              </Text>
            </div>
            <Button variant="subtle" size="xs" onClick={onChangeVictim}>
              Choose another victim
            </Button>
          </Group>
          {victim.cases.length > 0 && (
            <Text size="xs" c="dimmed" mt="xs">
              Earlier cases for this victim:{" "}
              {victim.cases.map((c, i) => (
                <span key={c.id}>
                  {i > 0 && ", "}
                  <Anchor component={Link} to={`/compensation/cases/${c.id}`} size="xs">
                    {formatYen(c.totalYen)} {c.state.toLowerCase()}
                  </Anchor>
                </span>
              ))}
            </Text>
          )}
        </Card>

        <Table striped data-testid="charge-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>Charge</Table.Th>
              <Table.Th>Wallet</Table.Th>
              <Table.Th ta="right">Taken</Table.Th>
              <Table.Th ta="right">Paid back</Table.Th>
              <Table.Th ta="right">Pending</Table.Th>
              <Table.Th ta="right">Still owed</Table.Th>
              <Table.Th w={200}>Pay back in this case</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {victim.charges.map((c) => {
              const d = drafts[c.chargeId] ?? { checked: false, amountText: "" };
              return (
                <Table.Tr key={c.chargeId} data-testid={`line-${c.chargeId}`}>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Include charge ${c.chargeId}`}
                      checked={d.checked}
                      disabled={c.owedYen === 0 && !d.checked}
                      onChange={(e) => setDraft(c.chargeId, { checked: e.currentTarget.checked, amountText: d.amountText === "" ? String(c.owedYen) : d.amountText })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <JstTime at={c.occurredAt} />
                    <Text size="xs" c="dimmed">
                      {c.chargeId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <AccountLink accountId={c.walletId} size="sm" />
                    <Text size="xs" c="dimmed">
                      score {c.walletRiskScore}
                      {c.walletReviewLabel === "CONFIRMED_FRAUD" ? " · confirmed fraud" : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={c.amountYen} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={c.paidYen} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Yen value={c.pendingYen} />
                  </Table.Td>
                  <Table.Td ta="right" fw={500}>
                    {c.owedYen === 0 ? <Badge color="green" variant="light">covered</Badge> : <Yen value={c.owedYen} />}
                  </Table.Td>
                  <Table.Td>
                    <AmountInput
                      aria-label={`Amount for charge ${c.chargeId}`}
                      value={d.amountText}
                      onChange={(text) => setDraft(c.chargeId, { amountText: text, checked: true })}
                      disabled={!d.checked}
                      limits={{ min: 1 }}
                      showReading={false}
                      error={d.checked ? problems[c.chargeId] : undefined}
                      size="xs"
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>

        <Group align="flex-start" grow>
          <TextInput label="Holder name (as the bank records it)" value={holderName} onChange={(e) => setHolderName(e.currentTarget.value)} description="Taken from the bank link; correct it if the victim gives another." />
          <Textarea
            label="Reason"
            placeholder="e.g. Victim called on 9/8, withdrawals confirmed on their bank statement"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            description="Recorded in the audit log with your name."
          />
        </Group>

        <Card withBorder bg="gray.0">
          <Group justify="space-between" align="center">
            <div>
              <Text size="lg" fw={600} data-testid="case-total">
                Total <Yen value={totalYen} /> for {lines.length} charge{lines.length === 1 ? "" : "s"}
              </Text>
              {totalYen >= thresholdYen ? (
                <Text size="sm" c="orange.8">
                  At or above <Yen value={thresholdYen} />: a manager other than you must approve this case.
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  Below <Yen value={thresholdYen} />: you can approve it yourself after creating it.
                </Text>
              )}
              {blockers.map((b) => (
                <Text key={b} size="sm" c="red.7">
                  {b}
                </Text>
              ))}
            </div>
            <Button type="submit" size="md" loading={create.isPending} disabled={blockers.length > 0 || create.isPending} data-testid="submit-case">
              Create case
            </Button>
          </Group>
        </Card>
        {create.error && (
          <Alert color="red" data-testid="create-error">
            {errorMessage(create.error)}
            {existingCaseId && (
              <>
                {" "}
                <Anchor component={Link} to={`/compensation/cases/${existingCaseId}`}>
                  Open that case
                </Anchor>
              </>
            )}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
