// The accounts table's filters, all in the URL: words of the id or holder (typing stays in the box,
// the address follows after a pause), bank, score range, reason, status, review label, and when the
// account was opened or first linked.
import { ActionIcon, Button, Group, NumberInput, Paper, Select, TextInput } from "@mantine/core";
import { IconSearch, IconX } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { SCORING_RULES } from "../../../shared/accounts/index.ts";
import type { AccountFilters } from "../../../shared/accounts/schemas.ts";
import { useRuleLabel } from "../../i18n/words.ts";
import { useUrlText, type UrlParams } from "../../components/url-params.ts";
import { ACCOUNT_FILTER_KEYS, WINDOWS } from "./accounts-view.ts";
import { useAccountBanks } from "./queries.ts";
import { useBankName } from "../../components/bank-names.ts";

export function AccountsFilterBar({ url, filters }: { url: UrlParams; filters: AccountFilters }) {
  const { t } = useTranslation(["accounts", "common"]);
  const ruleLabel = useRuleLabel();
  const { params, update } = url;
  const search = useUrlText(url, "q");
  const banks = useAccountBanks();
  const bankName = useBankName();
  const bankOptions = (banks.data ?? []).map((b) => ({ value: b.code, label: `${b.code} ${bankName(b.code, b.name)}` }));
  const windowOptions = (Object.keys(WINDOWS) as (keyof typeof WINDOWS)[]).map((value) => ({ value, label: t(`list.windows.${value}`) }));
  const anyFilter = ACCOUNT_FILTER_KEYS.some((k) => params.get(k));
  return (
  <Paper withBorder p="sm">
    <Group gap="sm" align="flex-end">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          search.flush();
        }}
      >
        <TextInput
          label={t("list.search")}
          placeholder={t("list.searchPlaceholder")}
          value={search.text}
          onChange={(e) => search.setText(e.currentTarget.value)}
          leftSection={<IconSearch size={14} />}
          w={300}
          rightSection={
            search.text ? (
              <ActionIcon variant="subtle" aria-label={t("list.clearSearch")} onClick={() => { search.setText(""); update({ q: null }); }}>
                <IconX size={14} />
              </ActionIcon>
            ) : null
          }
        />
      </form>
      <Select label={t("list.bank")} placeholder={t("list.anyBank")} data={bankOptions} value={filters.bank ?? null} onChange={(v) => update({ bank: v })} searchable clearable w={230} />
      <NumberInput label={t("list.scoreFrom")} value={filters.scoreMin ?? ""} onChange={(v) => update({ scoreMin: v === "" ? null : String(v) })} min={0} max={100} w={100} />
      <NumberInput label={t("list.scoreTo")} value={filters.scoreMax ?? ""} onChange={(v) => update({ scoreMax: v === "" ? null : String(v) })} min={0} max={100} w={80} />
      <Select label={t("list.reason")} placeholder={t("list.anyReason")} data={SCORING_RULES.map((r) => ({ value: r.code, label: ruleLabel(r.code) }))} value={filters.reason ?? null} onChange={(v) => update({ reason: v })} clearable w={250} />
      <Select label={t("list.status")} placeholder={t("list.any")} data={[{ value: "ACTIVE", label: t("status.ACTIVE") }, { value: "FROZEN", label: t("status.FROZEN") }]} value={filters.status ?? null} onChange={(v) => update({ status: v })} clearable w={110} />
      <Select label={t("list.label")} placeholder={t("list.any")} data={[{ value: "CONFIRMED_FRAUD", label: t("label.CONFIRMED_FRAUD") }, { value: "LEGITIMATE", label: t("label.LEGITIMATE") }, { value: "NONE", label: t("label.NONE") }]} value={filters.label ?? null} onChange={(v) => update({ label: v })} clearable w={150} />
      <Select label={t("list.opened")} placeholder={t("list.anyTime")} data={windowOptions} value={params.get("opened")} onChange={(v) => update({ opened: v })} clearable w={140} />
      <Select label={t("list.linked")} placeholder={t("list.anyTime")} data={windowOptions} value={params.get("linked")} onChange={(v) => update({ linked: v })} clearable w={140} />
      {anyFilter && (
        <Button variant="subtle" onClick={url.clear}>
          {t("list.clearFilters")}
        </Button>
      )}
    </Group>
  </Paper>
  );
}
