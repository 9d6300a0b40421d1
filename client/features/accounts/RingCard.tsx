// The ring view on the account page: the wallets connected to this one over devices, IP addresses
// and bank accounts (one to three hops), each with its state, the shared things with their counts
// (a hub is listed, not followed), and a bulk freeze of the selected wallets with one reason (the
// same accounts.freeze as the single freeze: one transaction, one audit record per wallet).
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Loader, SegmentedControl, Table, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorMessage } from "../../lib/errors.ts";
import { useCan } from "../auth/useMe.ts";
import { LabelBadge, ReasonDialog, ScoreBar, StatusBadge } from "./parts.tsx";
import { useRing } from "./queries.ts";

export function RingCard({ accountId }: { accountId: string }) {
  const { t } = useTranslation("accounts");
  const [hops, setHops] = useState(2);
  const q = useRing(accountId, hops);
  const canAct = useCan("accounts.freeze");
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const [dialog, { open, close }] = useDisclosure(false);
  const others = useMemo(() => q.data?.wallets.filter((w) => w.hops > 0) ?? [], [q.data]);
  // Preselected: the wallet and the connected wallets that are flagged or confirmed and still active.
  const selected = picked ?? new Set((q.data?.wallets ?? []).filter((w) => w.status === "ACTIVE" && (w.flagged || w.reviewLabel === "CONFIRMED_FRAUD") && w.reviewLabel !== "LEGITIMATE").map((w) => w.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const active = [...selected].filter((id) => q.data?.wallets.find((w) => w.id === id)?.status === "ACTIVE");
  return (
    <Card withBorder data-testid="account-ring">
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t("ring.title")}</Title>
        <SegmentedControl
          size="xs"
          value={String(hops)}
          onChange={(v) => {
            setHops(Number(v));
            setPicked(null);
          }}
          data={[1, 2, 3].map((n) => ({ value: String(n), label: t("ring.hops", { count: n }) }))}
          aria-label={t("ring.hopsLabel")}
        />
      </Group>
      {q.isPending ? (
        <Loader size="sm" aria-label={t("ring.loading")} />
      ) : q.error ? (
        <Alert color="red" title={t("ring.cannotShow")}>{errorMessage(q.error)}</Alert>
      ) : others.length === 0 ? (
        <Text size="sm" c="dimmed">{t("ring.none")}</Text>
      ) : (
        <>
          <Text size="sm" mb="xs" data-testid="ring-counts">
            {t("ring.counts", { ...q.data.counts })}
            {q.data.cut && ` ${t("ring.cut", { count: q.data.wallets.length - 1 })}`}
          </Text>
          <Table verticalSpacing={3} mb="sm" data-testid="ring-things">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("ring.col.thing")}</Table.Th>
                <Table.Th>{t("ring.col.hop")}</Table.Th>
                <Table.Th>{t("ring.col.wallets")}</Table.Th>
                <Table.Th>{t("ring.col.states")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.things.map((th) => (
                <Table.Tr key={`${th.kind}|${th.shown}`}>
                  <Table.Td>
                    <Text size="sm">{t(`ring.kind.${th.kind}`)} <Text span ff="monospace" size="sm">{th.shown}</Text></Text>
                  </Table.Td>
                  <Table.Td>{th.hop}</Table.Td>
                  <Table.Td>{th.wallets}</Table.Td>
                  <Table.Td>
                    {th.hub ? (
                      <Badge variant="light" color="gray">{t("ring.hub")}</Badge>
                    ) : (
                      <Text size="sm">{t("ring.thingStates", { flagged: th.flagged, confirmed: th.confirmed, frozen: th.frozen, legitimate: th.legitimate })}</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Table verticalSpacing={3} data-testid="ring-wallets">
            <Table.Thead>
              <Table.Tr>
                {canAct && <Table.Th />}
                <Table.Th>{t("account.col.account")}</Table.Th>
                <Table.Th>{t("ring.col.hop")}</Table.Th>
                <Table.Th>{t("ring.col.via")}</Table.Th>
                <Table.Th>{t("account.col.score")}</Table.Th>
                <Table.Th>{t("account.col.status")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.wallets.map((w) => (
                <Table.Tr key={w.id} data-testid={`ring-wallet-${w.id}`}>
                  {canAct && (
                    <Table.Td>
                      <Checkbox aria-label={t("ring.select", { id: w.id })} checked={selected.has(w.id)} onChange={() => toggle(w.id)} disabled={w.status !== "ACTIVE"} />
                    </Table.Td>
                  )}
                  <Table.Td>
                    {w.hops === 0 ? (
                      <Text size="sm" ff="monospace">{w.id}</Text>
                    ) : (
                      <Anchor component={Link} to={`/accounts/${encodeURIComponent(w.id)}`} size="sm" ff="monospace">{w.id}</Anchor>
                    )}
                    <Text size="xs" c="dimmed">{w.holderName}</Text>
                  </Table.Td>
                  <Table.Td>{w.hops === 0 ? t("ring.self") : w.hops}</Table.Td>
                  <Table.Td>
                    {w.via && (
                      <Text size="xs">{t(`ring.kind.${w.via.kind}`)} <Text span ff="monospace" size="xs">{w.via.shown}</Text></Text>
                    )}
                  </Table.Td>
                  <Table.Td><ScoreBar score={w.riskScore} width={60} /></Table.Td>
                  <Table.Td><StatusBadge status={w.status} /> {w.reviewLabel && <LabelBadge label={w.reviewLabel} />}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {canAct && (
            <Group justify="flex-end" mt="sm">
              <Button color="blue" disabled={active.length === 0} onClick={open} data-testid="ring-freeze">
                {t("ring.freeze", { count: active.length })}
              </Button>
            </Group>
          )}
          <ReasonDialog action="freeze" accountIds={active} opened={dialog} onClose={close} onDone={() => setPicked(null)} />
        </>
      )}
    </Card>
  );
}
