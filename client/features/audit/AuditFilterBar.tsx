// The audit log's filters: who, which action (or a prefix from a shared link), kind and id of target,
// JST days and words of the reason. They apply together with the button (the URL follows).
import { useState } from "react";
import { Button, Group, Select, TextInput } from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useTranslation } from "react-i18next";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "../../../shared/audit/actions.ts";
import type { AuditFilters } from "../../../shared/audit/schemas.ts";
import { useAuditWords } from "./words.ts";
import { JST_OFFSET_TEXT } from "../../../shared/jst.ts";

const FILTER_KEYS = ["actor", "action", "targetType", "targetId", "q", "from", "to"] as const;

/** JST calendar days in the URL (from=2026-09-05&to=2026-09-07, both inclusive) to instants. */
function jstDayStart(day: string, plusDays = 0): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00${JST_OFFSET_TEXT}`);
  return Number.isNaN(d.getTime()) ? undefined : new Date(d.getTime() + plusDays * 86_400_000);
}

export function filtersFrom(params: URLSearchParams): AuditFilters {
  const f: AuditFilters = {};
  for (const k of ["actor", "action", "targetType", "targetId", "q"] as const) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  const from = params.get("from");
  const to = params.get("to");
  if (from) f.from = jstDayStart(from);
  if (to) f.to = jstDayStart(to, 1);
  return f;
}

export function AuditFilterBar({ params, onApply }: { params: URLSearchParams; onApply: (next: Record<string, string>) => void }) {
  const { t } = useTranslation("audit");
  const words = useAuditWords();
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ""])));
  const set = (k: string) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput label={t("filter.actor")} placeholder={t("filter.actorPlaceholder")} value={draft.actor} onChange={(e) => set("actor")(e.currentTarget.value)} w={180} />
        <Select
          label={t("filter.action")}
          placeholder={t("filter.actionPlaceholder")}
          // Every action by its label; a prefix from a shared link ("suspension.") stays selectable as typed.
          data={[
            ...(draft.action && !(AUDIT_ACTIONS as readonly string[]).includes(draft.action) ? [{ value: draft.action, label: draft.action }] : []),
            ...AUDIT_ACTIONS.map((a) => ({ value: a, label: words.action(a) })),
          ]}
          value={draft.action || null}
          onChange={(v) => set("action")(v ?? "")}
          searchable
          clearable
          w={240}
        />
        <Select
          label={t("filter.targetType")}
          placeholder={t("filter.any")}
          data={AUDIT_TARGET_TYPES.map((v) => ({ value: v, label: words.targetType(v) }))}
          value={draft.targetType || null}
          onChange={(v) => set("targetType")(v ?? "")}
          clearable
          w={150}
        />
        <TextInput label={t("filter.targetId")} value={draft.targetId} onChange={(e) => set("targetId")(e.currentTarget.value)} w={150} />
        <DatePickerInput
          type="range"
          label={t("filter.days")}
          placeholder={t("filter.anyTime")}
          value={[draft.from || null, draft.to || null]}
          onChange={([from, to]) => setDraft((d) => ({ ...d, from: from ? String(from).slice(0, 10) : "", to: to ? String(to).slice(0, 10) : "" }))}
          clearable
          allowSingleDateInRange
          w={230}
        />
        <TextInput label={t("filter.reason")} value={draft.q} onChange={(e) => set("q")(e.currentTarget.value)} w={180} />
        <Button type="submit">{t("filter.apply")}</Button>
        <Button
          variant="subtle"
          onClick={() => {
            const empty = Object.fromEntries(FILTER_KEYS.map((k) => [k, ""]));
            setDraft(empty);
            onApply(empty);
          }}
        >
          {t("filter.clear")}
        </Button>
      </Group>
    </form>
  );
}
