// Small pieces shared by the volume pages: the range control (in the URL), badges, number words.
import { Badge, Group, SegmentedControl, Stack, Text } from "@mantine/core";
import { HoverTooltip } from "../../components/HoverTooltip.tsx";
import { DateTimePicker } from "@mantine/dates";
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { formatCount, formatYen } from "../../../shared/format.ts";
import type { Language } from "../../../shared/language.ts";
import { VOLUME_RANGES, type VolumeRange } from "../../../shared/volume/schemas.ts";
import { JST_OFFSET_MS } from "../../../shared/jst.ts";
import { AUTH_METHODS, type AuthMethod } from "../../../shared/events/schemas.ts";
import { useFormat } from "../../components/format.tsx";
import { rangeFromParams, type RangeState } from "./overview/input.ts";

export { REFRESH_MS } from "./refresh.ts";

const pad = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD HH:mm:ss" as a JST wall-clock time (what the date picker gives) → the instant. */
export function jstPickerToDate(value: string | null): Date | undefined {
  const m = value && /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - JST_OFFSET_MS);
}

/** The instant as the picker's "YYYY-MM-DD HH:mm:ss" in JST. */
export function dateToJstPicker(at: Date): string {
  const j = new Date(at.getTime() + JST_OFFSET_MS);
  return `${j.getUTCFullYear()}-${pad(j.getUTCMonth() + 1)}-${pad(j.getUTCDate())} ${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}:00`;
}

/** Axis ticks: "13:05" for short ranges, "11-24" (with the hour for mid ranges) beyond. */
export function formatTick(atMs: number, bucketMinutes: number, spanMs: number): string {
  const j = new Date(atMs + JST_OFFSET_MS);
  const time = `${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}`;
  const day = `${pad(j.getUTCMonth() + 1)}-${pad(j.getUTCDate())}`;
  if (spanMs <= 26 * 3_600_000) return time;
  if (bucketMinutes <= 5 || spanMs <= 8 * 24 * 3_600_000) return `${day} ${time}`;
  return day;
}

export type { RangeState };

/** The time range of a volume page, kept in the URL (range, and from/to for a custom range). */
export function useRangeParam(defaultRange: VolumeRange = "24h"): [RangeState, (next: RangeState) => void] {
  const [params, setParams] = useSearchParams();
  const state = rangeFromParams(params, defaultRange);
  const set = (next: RangeState) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        p.set("range", next.range);
        if (next.range === "custom" && next.from) p.set("from", next.from.toISOString());
        else p.delete("from");
        if (next.range === "custom" && next.to) p.set("to", next.to.toISOString());
        else p.delete("to");
        return p;
      },
      { replace: true },
    );
  return [state, set];
}

export function RangeControl({ value, onChange }: { value: RangeState; onChange: (v: RangeState) => void }) {
  const { t } = useTranslation(["volume", "common"]);
  const setRange = (range: string) => {
    if (range !== "custom") return onChange({ range: range as VolumeRange });
    // A custom range starts from the last 24 hours, to be adjusted.
    const to = value.to ?? new Date();
    onChange({ range: "custom", from: value.from ?? new Date(to.getTime() - 24 * 3_600_000), to });
  };
  return (
    <Group gap="sm" align="flex-end">
      <SegmentedControl
        aria-label={t("range.label")}
        value={value.range}
        onChange={setRange}
        data={VOLUME_RANGES.map((r) => ({ value: r, label: t(`common:ranges.${r}`) }))}
      />
      {value.range === "custom" && (
        <>
          <DateTimePicker
            label={t("range.from")}
            size="xs"
            w={190}
            valueFormat="YYYY-MM-DD HH:mm"
            value={value.from ? dateToJstPicker(value.from) : null}
            onChange={(v) => onChange({ ...value, from: jstPickerToDate(v) })}
          />
          <DateTimePicker
            label={t("range.to")}
            size="xs"
            w={190}
            valueFormat="YYYY-MM-DD HH:mm"
            value={value.to ? dateToJstPicker(value.to) : null}
            onChange={(v) => onChange({ ...value, to: jstPickerToDate(v) })}
          />
        </>
      )}
    </Group>
  );
}

const isAuthMethod = (m: string): m is AuthMethod => (AUTH_METHODS as readonly string[]).includes(m);

export function AuthBadge({ method }: { method: string }) {
  const { t } = useTranslation(["volume", "common"]);
  const weak = method === "PIN";
  const known = isAuthMethod(method) ? method : null;
  const words = known && known !== "PIN" ? t(`auth.words.${known}`) : method;
  return (
    <HoverTooltip label={weak ? t("auth.weakHint") : t("auth.asksFor", { what: words })}>
      <Badge color={weak ? "red" : "gray"} variant={weak ? "filled" : "light"} size="sm">
        {known ? t(`auth.${known}`) : method}
      </Badge>
    </HoverTooltip>
  );
}

export function SuspensionBadge({ status }: { status: { state: string; scopes: string[]; startsAt: Date | null } }) {
  const { t } = useTranslation(["volume", "common"]);
  if (status.state === "NONE") return <Text size="sm" c="dimmed">{t("suspensionBadge.none")}</Text>;
  const scopes = status.scopes.map((s) => t(`common:scopeLabels.${s as "CHARGE"}`, { defaultValue: s })).join("; ");
  return (
    <HoverTooltip label={scopes} multiline w={260}>
      <Badge color={status.state === "ACTIVE" ? "orange" : "yellow"} variant="light" size="sm">
        {status.state === "ACTIVE" ? t("suspensionBadge.suspended") : t("suspensionBadge.scheduled")} · {t("suspensionBadge.scopes", { count: status.scopes.length })}
      </Badge>
    </HoverTooltip>
  );
}

/** "+240%" / "−12%" of observed against expected; "" while learning; `newWord` when nothing was expected. */
export function percentAbove(value: number, expected: number | null, newWord = "new", lang: Language = "en"): string {
  if (expected === null) return "";
  if (expected <= 0) return value > 0 ? newWord : "";
  const pct = Math.round(((value - expected) / expected) * 100);
  return `${pct >= 0 ? "+" : "−"}${formatCount(Math.abs(pct), lang)}%`;
}

export function formatMetricValue(metric: string, value: number, lang: Language = "en"): string {
  return metric === "CHARGE_YEN" ? formatYen(Math.round(value), lang) : formatCount(Math.round(value), lang);
}

/** Observed against expected: the value, and under it the expected level and the difference. */
export function VsExpected({ value, expected, yen = false }: { value: number; expected: number | null; yen?: boolean }) {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const f = (n: number) => (yen ? fmt.yen(Math.round(n)) : fmt.count(Math.round(n)));
  const pct = percentAbove(value, expected, t("vs.new"), fmt.lang);
  const high = expected !== null && value > expected * 1.5 && value - expected >= (yen ? 100_000 : 5);
  return (
    <Stack gap={0} style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
      <Text size="sm" fw={high ? 700 : 400} c={high ? "red.7" : undefined}>
        {f(value)}
      </Text>
      <Text size="xs" c="dimmed">
        {expected === null ? t("vs.learning") : `${t("vs.expected", { value: f(expected) })}${pct ? ` · ${pct}` : ""}`}
      </Text>
    </Stack>
  );
}
