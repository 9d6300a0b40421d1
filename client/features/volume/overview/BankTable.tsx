// The overview's per-bank table. Each row is memoised on its bank (kept the same object across
// refreshes by structural sharing), its tick and the measure, so a refresh redraws only the rows
// whose figures changed; the sparklines are static SVG.
import { memo } from "react";
import { Anchor, Badge, Box, Checkbox, Group, Stack, Table, Text, UnstyledButton } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconArrowsSort } from "@tabler/icons-react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { HoverTooltip } from "../../../components/HoverTooltip.tsx";
import { useLanguage } from "../../../components/format.tsx";
import { bankNameIn } from "../../../../shared/format.ts";
import { AuthBadge, SuspensionBadge, VsExpected } from "../parts.tsx";
import { parseSort, type SortKey } from "./chart-data.ts";
import { Sparkline } from "./Sparkline.tsx";
import type { BankRow } from "./types.ts";
import "./BankTable.css";

const DEFAULT_SPARK = "#1971c2";

function SortHeader({ label, sortKey, sort, onSort }: { label: string; sortKey: SortKey; sort: string; onSort: (key: SortKey) => void }) {
  const { t } = useTranslation("volume");
  const s = parseSort(sort);
  const sorted = s?.key === sortKey ? (s.desc ? "desc" : "asc") : false;
  const Icon = sorted === "asc" ? IconArrowUp : sorted === "desc" ? IconArrowDown : IconArrowsSort;
  return (
    <UnstyledButton onClick={() => onSort(sortKey)} aria-label={t("table.sortBy", { label })}>
      <Group gap={4} wrap="nowrap">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Icon size={14} opacity={sorted ? 1 : 0.4} />
      </Group>
    </UnstyledButton>
  );
}

function Deviation({ d }: { d: BankRow["deviation"] }) {
  const { t } = useTranslation(["volume", "common"]);
  if (d.z === null)
    return (
      <Text size="sm" c="dimmed">
        {t("table.learning")}
      </Text>
    );
  // Mounted on the first hover (HoverTooltip): 44 rows of live tooltips were a large part of a redraw.
  return (
    <HoverTooltip
      multiline
      w={280}
      label={t("table.deviationHint", {
        metric: d.metric ? t(`common:metrics.${d.metric}`) : "",
        z: d.z.toFixed(1),
        ratio: d.ratio !== null ? t("table.ratioHint", { ratio: d.ratio.toFixed(2) }) : "",
        peak: d.peakZ !== null ? d.peakZ.toFixed(1) : "—",
      })}
    >
      <Text size="sm" fw={d.z >= 5 ? 700 : 400} c={d.z >= 5 ? "red.7" : undefined} style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
        z {d.z.toFixed(1)}
        {d.ratio !== null && (
          <Text span size="xs" c="dimmed">
            {" "}
            · {d.ratio.toFixed(1)}×
          </Text>
        )}
      </Text>
    </HoverTooltip>
  );
}

interface RowProps {
  bank: BankRow;
  ticked: boolean;
  canSuspend: boolean;
  yen: boolean;
  color: string | undefined;
  onTick: (code: string, checked: boolean) => void;
  onOpen: (code: string) => void;
}

const BankTableRow = memo(function BankTableRow({ bank: b, ticked, canSuspend, yen, color, onTick, onOpen }: RowProps) {
  const { t } = useTranslation(["volume", "common"]);
  const lang = useLanguage();
  const name = bankNameIn(lang, b.name, b.nameJa);
  // The other language's name beside the code.
  const otherName = lang === "ja" ? (b.nameJa ? b.name : null) : b.nameJa;
  const m = yen ? b.chargedYen : b.charges;
  return (
    <Table.Tr data-testid={`bank-row-${b.code}`} className={b.spikingNow ? "fg-spiking" : undefined} onClick={() => onOpen(b.code)}>
      {canSuspend && (
        <Table.Td className="fg-pin fg-pin-check">
          <Checkbox aria-label={t("table.select", { name })} checked={ticked} onClick={(e) => e.stopPropagation()} onChange={(e) => onTick(b.code, e.currentTarget.checked)} />
        </Table.Td>
      )}
      <Table.Td className="fg-pin fg-pin-name">
        <Stack gap={0} miw={150}>
          <Anchor component={Link} to={`/banks/${b.code}`} size="sm" fw={600} onClick={(e) => e.stopPropagation()}>
            {name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {b.code}
            {otherName ? ` · ${otherName}` : ""}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Box miw={118}>
          <AuthBadge method={b.authMethod} />
        </Box>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Sparkline values={b.sparkLinks} color={color ?? DEFAULT_SPARK} label={t("table.sparkLinks", { name })} />
          <VsExpected value={b.links.value} expected={b.links.expected} />
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Sparkline values={b.sparkCharges} color={color ?? DEFAULT_SPARK} label={t("table.sparkCharges", { name })} />
          <VsExpected value={m.value} expected={m.expected} yen={yen} />
        </Group>
      </Table.Td>
      <Table.Td>
        <Deviation d={b.deviation} />
      </Table.Td>
      <Table.Td>
        {b.spikingNow ? (
          <HoverTooltip label={t("table.open", { metrics: b.openSpikeMetrics.map((x) => t(`common:metrics.${x}`)).join(", ") })}>
            <Box miw={104}>
              <Badge color="red" variant="filled" size="sm" data-testid="spiking-now">
                {t("table.spikingNow")}
              </Badge>
            </Box>
          </HoverTooltip>
        ) : b.spikesInWindow > 0 ? (
          <Badge color="orange" variant="light" size="sm">
            {t("table.inRange", { count: b.spikesInWindow })}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Box miw={130}>
          <SuspensionBadge status={b.suspension} />
        </Box>
      </Table.Td>
    </Table.Tr>
  );
});

export interface BankTableProps {
  banks: BankRow[];
  ticked: ReadonlySet<string>;
  canSuspend: boolean;
  yen: boolean;
  colors: Map<string, string>;
  sort: string;
  onSort: (key: SortKey) => void;
  onTick: (code: string, checked: boolean) => void;
  onOpen: (code: string) => void;
}

export const BankTable = memo(function BankTable({ banks, ticked, canSuspend, yen, colors, sort, onSort, onTick, onOpen }: BankTableProps) {
  const { t } = useTranslation("volume");
  return (
    <Table.ScrollContainer minWidth={1080}>
      <Table verticalSpacing={6} data-testid="volume-bank-table" className={`fg-bank-table${canSuspend ? " fg-with-check" : ""}`}>
        <Table.Thead>
          <Table.Tr>
            {canSuspend && <Table.Th className="fg-pin fg-pin-check" />}
            <Table.Th className="fg-pin fg-pin-name">
              <SortHeader label={t("table.bank")} sortKey="bank" sort={sort} onSort={onSort} />
            </Table.Th>
            <Table.Th>
              <SortHeader label={t("table.linkAuth")} sortKey="auth" sort={sort} onSort={onSort} />
            </Table.Th>
            <Table.Th>
              <SortHeader label={t("table.newLinks")} sortKey="links" sort={sort} onSort={onSort} />
            </Table.Th>
            <Table.Th>
              <SortHeader label={yen ? t("table.charged") : t("table.charges")} sortKey="charges" sort={sort} onSort={onSort} />
            </Table.Th>
            <Table.Th>
              <SortHeader label={t("table.deviation")} sortKey="deviation" sort={sort} onSort={onSort} />
            </Table.Th>
            <Table.Th>
              <SortHeader label={t("table.spikes")} sortKey="status" sort={sort} onSort={onSort} />
            </Table.Th>
            <Table.Th>
              <SortHeader label={t("table.suspension")} sortKey="suspension" sort={sort} onSort={onSort} />
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {banks.map((b) => (
            <BankTableRow key={b.code} bank={b} ticked={ticked.has(b.code)} canSuspend={canSuspend} yen={yen} color={colors.get(b.code)} onTick={onTick} onOpen={onOpen} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
});
