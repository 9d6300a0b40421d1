// The account page's sections: why it scored what it did, its profile, every bank account it linked
// (with each change), its money in and out on one timeline, the accounts it shares something with,
// and what staff did about it.
import { Anchor, Badge, Card, Group, Progress, Table, Text, Title, Tooltip } from "@mantine/core";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { SCORE_MAX } from "../../../shared/accounts/index.ts";
import { JstTime, useFormat } from "../../components/format.tsx";
import { useRuleLabel } from "../../i18n/words.ts";
import type { RouterOutputs } from "../../trpc.ts";
import { LabelBadge, ScoreBar, StatusBadge } from "./parts.tsx";
import { useBankName } from "../../components/bank-names.ts";

type AccountDetail = RouterOutputs["accounts"]["get"];

const NAME_CHECK_COLORS: Record<string, string> = { SAME: "green", FAMILY: "yellow", DIFFERENT: "red" };

function NameCheck({ check }: { check: { relation: string; similarity: number } }) {
  const { t } = useTranslation("accounts");
  const known = check.relation === "SAME" || check.relation === "FAMILY" || check.relation === "DIFFERENT";
  const label = known ? t(`account.nameCheck.${check.relation as "SAME"}`) : check.relation;
  return (
    <Tooltip label={t("account.similarity", { n: check.similarity })}>
      <Badge color={NAME_CHECK_COLORS[check.relation] ?? "gray"} variant="light" size="sm" style={{ textTransform: "none" }}>
        {label} · {check.similarity}
      </Badge>
    </Tooltip>
  );
}

export function ReasonsCard({ d }: { d: AccountDetail }) {
  const { t } = useTranslation("accounts");
  const ruleLabel = useRuleLabel();
  const a = d.account;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>{t("account.whyScored", { score: a.score })}</Title>
        <ScoreBar score={a.score} width={140} />
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        {t("account.flaggedAt", { threshold: d.threshold })} {a.flaggedAt ? t("account.firstFlagged", { at: a.flaggedAt }) : t("account.neverFlagged")} {a.scoredAt ? t("account.scored", { at: a.scoredAt }) : null}{" "}
        {a.ruleVersion !== null && (
          <Anchor component={Link} to="/accounts/rules" size="xs" data-testid="score-rule-version">{t("account.ruleVersion", { version: a.ruleVersion })}</Anchor>
        )}
      </Text>
      {d.reasons.length === 0 ? (
        <Text size="sm" c="dimmed">{t("account.noRule")}</Text>
      ) : (
        <Table data-testid="account-reasons" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("account.col.reason")}</Table.Th>
              <Table.Th>{t("account.col.evidence")}</Table.Th>
              <Table.Th ta="right">{t("account.col.points")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.reasons.map((r) => (
              <Table.Tr key={r.code}>
                <Table.Td>
                  <Text size="sm" fw={500}>{ruleLabel(r.code)}</Text>
                  <Progress value={(100 * r.points) / SCORE_MAX} size="xs" color={r.points >= 15 ? "red" : "orange"} mt={4} w={120} />
                </Table.Td>
                <Table.Td><Text size="sm">{r.evidence}</Text></Table.Td>
                <Table.Td ta="right"><Text size="sm" fw={600}>+{r.points}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function ProfileCard({ d }: { d: AccountDetail }) {
  const { t } = useTranslation("accounts");
  const a = d.account;
  return (
    <Card withBorder>
      <Title order={4} mb="xs">{t("account.profile")}</Title>
      <Table variant="vertical" layout="fixed" verticalSpacing={4}>
        <Table.Tbody>
          <Table.Tr><Table.Th w={170}>{t("account.opened")}</Table.Th><Table.Td><JstTime at={a.openedAt} /></Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t("account.carrier")}</Table.Th><Table.Td>{a.carrierCustomer ? t("account.yes") : t("account.no")}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t("account.verified")}</Table.Th><Table.Td>{a.identityVerified ? t("account.yes") : t("account.no")}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t("account.charged")}</Table.Th><Table.Td>{t("account.inCharges", { yen: d.totals.chargedYen, count: d.totals.charges })}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t("account.spent")}</Table.Th><Table.Td>{t("account.inSpends", { yen: d.totals.spentYen, count: d.totals.spends })}</Table.Td></Table.Tr>
          <Table.Tr><Table.Th>{t("account.deviceIp")}</Table.Th><Table.Td>{a.hasDevice ? t("account.device") : t("account.noDevice")} · {a.hasIpAddress ? t("account.ip") : t("account.noIp")}</Table.Td></Table.Tr>
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function LinksCard({ d }: { d: AccountDetail }) {
  const { t } = useTranslation("accounts");
  const bankName = useBankName();
  return (
    <Card withBorder>
      <Title order={4} mb="xs">{t("account.links")}</Title>
      {d.links.length === 0 ? (
        <Text size="sm" c="dimmed">{t("account.noLinks")}</Text>
      ) : (
        <Table verticalSpacing={4} data-testid="account-links">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("account.col.bank")}</Table.Th>
              <Table.Th>{t("account.col.branch")}</Table.Th>
              <Table.Th>{t("account.col.account")}</Table.Th>
              <Table.Th>{t("account.col.holder")}</Table.Th>
              <Table.Th>{t("account.col.asked")}</Table.Th>
              <Table.Th>{t("account.col.linked")}</Table.Th>
              <Table.Th>{t("account.col.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.links.flatMap((l) =>
              l.history.map((v, i) => (
                <Table.Tr key={`${l.id}-${i}`} c={i < l.history.length - 1 ? "dimmed" : undefined}>
                  <Table.Td>{v.bankCode} <Text span size="xs" c="dimmed">{bankName(v.bankCode, v.bankName)}</Text></Table.Td>
                  <Table.Td>{i === l.history.length - 1 ? l.branchCode : ""}</Table.Td>
                  <Table.Td ff="monospace">{v.maskedAccountNumber}</Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm">{v.holderName}</Text>
                      <NameCheck check={v.nameCheck} />
                    </Group>
                  </Table.Td>
                  <Table.Td>{v.authMethod === "PIN" ? <Badge color="orange" variant="light" size="sm">{t("account.pinOnly")}</Badge> : v.authMethod}</Table.Td>
                  <Table.Td><JstTime at={v.validFrom} />{i > 0 ? <Text span size="xs" c="dimmed">{t("account.changed")}</Text> : null}</Table.Td>
                  <Table.Td>{i === l.history.length - 1 ? <Text size="sm">{l.status.toLowerCase()}</Text> : <Text size="xs">{t("account.replaced", { at: v.validTo })}</Text>}</Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function TimelineCard({ d }: { d: AccountDetail }) {
  const { t } = useTranslation("accounts");
  const bankName = useBankName();
  const fmt = useFormat();
  return (
    <Card withBorder>
      <Title order={4} mb="xs">{t("account.timeline")}</Title>
      {d.timelineTruncated && <Text size="xs" c="dimmed" mb="xs">{t("account.truncated")}</Text>}
      <Table verticalSpacing={3} data-testid="account-timeline">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("account.col.time")}</Table.Th>
            <Table.Th>{t("account.col.what")}</Table.Th>
            <Table.Th>{t("account.col.details")}</Table.Th>
            <Table.Th ta="right">{t("account.col.amount")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {d.timeline.map((e, i) => (
            <Table.Tr key={i}>
              <Table.Td style={{ whiteSpace: "nowrap" }}><JstTime at={e.at} /></Table.Td>
              <Table.Td>
                {e.kind === "opened" && <Badge variant="light" color="gray" size="sm">{t("account.kind.opened")}</Badge>}
                {e.kind === "link" && <Badge variant="light" color="indigo" size="sm">{e.change ? t("account.kind.linkChanged") : t("account.kind.linked")}</Badge>}
                {e.kind === "charge" && <Badge variant="light" color="teal" size="sm">{t("account.kind.charge")}</Badge>}
                {e.kind === "spend" && <Badge variant="light" color={e.channel === "transfer" ? "red" : "orange"} size="sm">{e.channel}</Badge>}
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {e.kind === "opened" && t("account.walletOpened")}
                  {e.kind === "link" && `${e.bankCode} ${bankName(e.bankCode, e.bankName)} ${e.maskedAccountNumber} · ${e.holderName}`}
                  {e.kind === "charge" && t("account.from", { bank: e.bankCode, account: e.maskedAccountNumber })}
                  {e.kind === "spend" && (e.counterparty ?? (e.channel === "transfer" ? t("account.noRecipient") : t("account.noShop")))}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                {e.kind === "charge" && <Text size="sm" c="teal.8">+{fmt.yen(e.amountYen)}</Text>}
                {e.kind === "spend" && <Text size="sm" c="red.8">−{fmt.yen(e.amountYen)}</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

export function RelatedCard({ d }: { d: AccountDetail }) {
  const { t } = useTranslation("accounts");
  return (
    <Card withBorder>
      <Title order={4} mb="xs">{t("account.related")}</Title>
      {d.related.length === 0 ? (
        <Text size="sm" c="dimmed">{t("account.noRelated")}</Text>
      ) : (
        <Table verticalSpacing={3} data-testid="account-related">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("account.col.account")}</Table.Th>
              <Table.Th>{t("account.col.shares")}</Table.Th>
              <Table.Th>{t("account.col.score")}</Table.Th>
              <Table.Th>{t("account.col.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.related.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/accounts/${encodeURIComponent(r.id)}`} size="sm" ff="monospace">{r.id}</Anchor>
                  <Text size="xs" c="dimmed">{r.holderName}</Text>
                </Table.Td>
                <Table.Td><Text size="sm">{r.via.join(", ")}</Text></Table.Td>
                <Table.Td><ScoreBar score={r.score} width={60} /></Table.Td>
                <Table.Td><StatusBadge status={r.status} /> {r.reviewLabel && <LabelBadge label={r.reviewLabel} />}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function StaffActionsCard({ d }: { d: AccountDetail }) {
  const { t } = useTranslation("accounts");
  return (
    <Card withBorder>
      <Title order={4} mb="xs">{t("account.staff")}</Title>
      {d.actions.length === 0 ? (
        <Text size="sm" c="dimmed">{t("account.noStaff")}</Text>
      ) : (
        <Table verticalSpacing={3} data-testid="account-actions">
          <Table.Tbody>
            {d.actions.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td style={{ whiteSpace: "nowrap" }}><JstTime at={x.at} /></Table.Td>
                <Table.Td><Text size="sm">{x.action.replace("account.", "")}</Text><Text size="xs" c="dimmed">{x.actorEmail}</Text></Table.Td>
                <Table.Td><Text size="sm">{x.reason ?? "—"}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
