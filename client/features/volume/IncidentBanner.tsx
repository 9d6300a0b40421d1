// The incident banner on every page while any bank's spike alarm is open and not acknowledged
// (volume.openSpikes reads bank_alarm; registered as shellSlots.banner). One
// compact line per bank, most severe first, with what is being done about it (suspended since…, or
// not suspended) and, for a manager, "Suspend…" opening the suspend dialog in place. On pages other
// than the overview it collapses to one strip so the page's own header stays above the fold.
// Kept light: it is part of the initial bundle (the dialog is loaded only when opened).
import { lazy, Suspense, useState } from "react";
import { Anchor, Badge, Box, Button, Group, Paper, Stack, Text, UnstyledButton } from "@mantine/core";
import { IconAlertTriangle, IconChevronDown, IconChevronUp } from "@tabler/icons-react";
import { useMediaQuery } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import type { SuspensionScope } from "../../../shared/suspensions/schemas.ts";
import { useScopeWords } from "../../i18n/words.ts";
import type { AlarmEvidence } from "../../../shared/volume/alarm.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import { REFRESH_MS } from "./refresh.ts";
import { useFormat } from "../../components/format.tsx";

const SuspendDialog = lazy(() => import("../suspensions/SuspendDialog.tsx").then((m) => ({ default: m.SuspendDialog })));

/** How many banks the collapsed strip names before "+N more". */
const STRIP_BANKS = 3;

interface BannerBank {
  bankCode: string;
  bankName: string;
  /** Shown instead of bankName when the console is in Japanese. */
  bankNameJa?: string | null;
  /** What the bank's alarm saw (shared/volume/alarm.ts). */
  evidence: AlarmEvidence[];
  metrics: string[];
  since: Date;
  /** Estimated harm, yen per hour. */
  severity: number;
  acknowledged?: boolean;
}

interface BankSuspensionState {
  state: "ACTIVE" | "SCHEDULED";
  startsAt: Date;
  scopes: SuspensionScope[];
}

/** Most severe first; a spike someone acknowledged goes after the unacknowledged ones. */
export function sortBannerBanks<T extends BannerBank>(banks: readonly T[]): T[] {
  return [...banks].sort(
    (a, b) => Number(a.acknowledged ?? false) - Number(b.acknowledged ?? false) || b.severity - a.severity || a.since.getTime() - b.since.getTime() || a.bankCode.localeCompare(b.bankCode),
  );
}

export function IncidentBanner() {
  const { t } = useTranslation(["volume", "common"]);
  const scopeWords = useScopeWords();
  const fmt = useFormat();
  const stateWords = (s: BankSuspensionState | undefined): string => {
    if (!s) return t("banner.notSuspended");
    return t(s.state === "ACTIVE" ? "banner.suspendedSince" : "banner.scheduledFor", { at: s.startsAt, scopes: scopeWords(s.scopes) });
  };
  const trpc = useTRPC();
  const { t: ta } = useTranslation("alarms");
  const location = useLocation();
  const allowed = useCan("volume.openSpikes");
  const canSeeSuspensions = useCan("suspensions.activeByBank");
  const canSuspend = useCan("suspensions.suspend");
  const [expanded, setExpanded] = useState(false);
  // On a phone the strip's bank names get a line of their own (beside the title they had no room left).
  const narrow = useMediaQuery("(max-width: 36em)", false, { getInitialValueInEffect: false });
  const [suspending, setSuspending] = useState<string | null>(null);
  const q = useQuery({ ...trpc.volume.openSpikes.queryOptions(undefined, { refetchInterval: REFRESH_MS }), enabled: allowed });
  const active = useQuery({ ...trpc.suspensions.activeByBank.queryOptions(undefined, { refetchInterval: REFRESH_MS }), enabled: allowed && canSeeSuspensions });
  const banks = sortBannerBanks((q.data ?? []) as BannerBank[]);
  if (!allowed || banks.length === 0) return null;

  // The earliest active (else scheduled) suspension of each bank, with every scope in force.
  const stateOf = new Map<string, BankSuspensionState>();
  for (const b of active.data ?? []) {
    const current = b.suspensions.filter((s) => s.state === "ACTIVE");
    const list = current.length > 0 ? current : b.suspensions;
    if (list.length === 0) continue;
    stateOf.set(b.bankCode, {
      state: current.length > 0 ? "ACTIVE" : "SCHEDULED",
      startsAt: new Date(Math.min(...list.map((s) => new Date(s.startsAt).getTime()))),
      scopes: [...new Set(list.flatMap((s) => s.scopes))],
    });
  }
  const onOverview = location.pathname === "/overview";
  const full = onOverview || expanded;
  const title = banks.length === 1 ? t("banner.one") : t("banner.many", { count: banks.length });
  const suspendingBank = banks.find((b) => b.bankCode === suspending);

  return (
    <Paper
      mb="sm"
      px="sm"
      py={6}
      radius="sm"
      bg="red.0"
      style={{ borderLeft: "4px solid var(--mantine-color-red-7)" }}
      data-testid="incident-banner"
      data-collapsed={full ? "false" : "true"}
      role="region"
      aria-label={title}
    >
      {full ? (
        <Stack gap={2}>
          <Group justify="space-between" wrap="nowrap">
            <Group gap={6} wrap="nowrap">
              <IconAlertTriangle size={16} color="var(--mantine-color-red-7)" />
              <Text size="sm" fw={700} c="red.8">
                {title}
              </Text>
            </Group>
            {!onOverview && (
              <UnstyledButton onClick={() => setExpanded(false)} aria-label={t("banner.collapse")}>
                <IconChevronUp size={16} />
              </UnstyledButton>
            )}
          </Group>
          {banks.map((b) => {
            const s = stateOf.get(b.bankCode);
            return (
              <Group key={b.bankCode} gap="xs" wrap="wrap" data-testid={`banner-bank-${b.bankCode}`} style={{ minHeight: 26, rowGap: 2 }}>
                <Anchor component={Link} to={`/banks/${b.bankCode}`} size="sm" fw={700} c="red.9" style={{ whiteSpace: "nowrap" }}>
                  {fmt.bank(b.bankName, b.bankNameJa)} ({b.bankCode})
                </Anchor>
                <Text size="sm" c="dark.6" style={{ whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", minWidth: 0, maxWidth: "100%" }}>
                  {t("banner.since", { metrics: b.evidence.map((e) => ta(`evidence.${e}`)).join(", "), at: b.since })} · ≈ {ta("harmPerHour", { v: Math.round(b.severity) })}
                </Text>
                <Badge size="sm" variant={s ? "filled" : "outline"} color={s ? "orange" : "gray"} data-testid={`banner-state-${b.bankCode}`} style={{ textTransform: "none", flexShrink: 0, height: "auto", maxWidth: "100%" }} styles={{ label: { whiteSpace: "normal" } }}>
                  {stateWords(s)}
                </Badge>
                {b.acknowledged && (
                  <Badge size="sm" variant="light" color="gray" style={{ textTransform: "none", flexShrink: 0 }}>
                    {t("banner.acknowledged")}
                  </Badge>
                )}
                {canSuspend && s?.state !== "ACTIVE" && (
                  <Button size="compact-xs" color="red" variant="light" onClick={() => setSuspending(b.bankCode)} data-testid={`banner-suspend-${b.bankCode}`} style={{ flexShrink: 0 }}>
                    {t("banner.suspend")}
                  </Button>
                )}
              </Group>
            );
          })}
        </Stack>
      ) : (
        <StripLine
          title={banks.length === 1 ? t("banner.stripOne") : t("banner.stripMany", { count: banks.length })}
          narrow={narrow}
          names={banks.slice(0, STRIP_BANKS).map((b) => {
            const s = stateOf.get(b.bankCode);
            return (
              <Text span key={b.bankCode} size="sm" mr="sm" data-testid={`banner-bank-${b.bankCode}`} style={{ whiteSpace: "nowrap", display: narrow ? "inline-block" : undefined }}>
                <Anchor component={Link} to={`/banks/${b.bankCode}`} size="sm" fw={700} c="red.9">
                  {fmt.bank(b.bankName, b.bankNameJa)} ({b.bankCode})
                </Anchor>{" "}
                <Text span size="xs" c={s ? "orange.9" : "dimmed"} data-testid={`banner-state-${b.bankCode}`}>
                  {s ? (s.state === "ACTIVE" ? t("banner.suspended") : t("banner.scheduled")) : t("banner.notSuspended")}
                </Text>
              </Text>
            );
          })}
          button={
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              rightSection={<IconChevronDown size={14} />}
              onClick={() => setExpanded(true)}
              style={{ flexShrink: 0, marginLeft: "auto" }}
              data-testid="banner-expand"
            >
              {banks.length > STRIP_BANKS ? t("banner.more", { count: banks.length - STRIP_BANKS }) : canSuspend ? t("banner.detailsSuspend") : t("banner.details")}
            </Button>
          }
        />
      )}
      {suspendingBank && (
        <Suspense fallback={null}>
          <SuspendDialog bankCodes={[suspendingBank.bankCode]} opened onClose={() => setSuspending(null)} />
        </Suspense>
      )}
    </Paper>
  );
}

/**
 * The collapsed banner: the title, the first banks (most severe first) with their suspension state,
 * and the button that opens the full banner. The bank names give way (ellipsis) so the button stays
 * on screen; on a phone they take a line of their own below the title, wrapping bank by bank.
 */
function StripLine({ title, names, button, narrow }: { title: string; names: React.ReactNode[]; button: React.ReactNode; narrow: boolean }) {
  const head = (
    <>
      <IconAlertTriangle size={16} color="var(--mantine-color-red-7)" style={{ flexShrink: 0 }} />
      <Text size="sm" fw={700} c="red.8" style={{ whiteSpace: "nowrap" }}>
        {title}
      </Text>
    </>
  );
  if (narrow) {
    return (
      <Stack gap={0}>
        <Group gap="xs" wrap="nowrap">
          {head}
          {button}
        </Group>
        <Box data-testid="banner-strip-names" style={{ lineHeight: 1.35 }}>
          {names}
        </Box>
      </Stack>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap" style={{ overflow: "hidden" }}>
      {head}
      <Box data-testid="banner-strip-names" style={{ flex: 1, minWidth: 0, overflow: "hidden", whiteSpace: "nowrap", textOverflow: "ellipsis" }}>
        {names}
      </Box>
      {button}
    </Group>
  );
}
