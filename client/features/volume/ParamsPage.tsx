// The detector's parameters as analysts read them: per metric and bucket size, each value with its
// unit and what it does (the same data the detector runs with).
import { Alert, Card, Center, Loader, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { VOLUME_METRICS, type VolumeMetric } from "../../../shared/volume/types.ts";
import { useFormat } from "../../components/format.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { useVolumeParams } from "./queries.ts";

export default function ParamsPage() {
  const { t } = useTranslation(["volume", "common"]);
  const fmt = useFormat();
  const q = useVolumeParams();
  const [params, setParams] = useSearchParams();
  const metric = (VOLUME_METRICS as readonly string[]).includes(params.get("metric") ?? "") ? (params.get("metric") as VolumeMetric) : "LINK_REGISTERED";
  return (
    <Stack>
      <Title order={2}>{t("params.title")}</Title>
      <Text size="sm" c="dimmed" maw={900}>
        {t("params.intro")}
      </Text>
      <SegmentedControl
        aria-label={t("params.metric")}
        value={metric}
        onChange={(v) => setParams({ metric: v }, { replace: true })}
        data={VOLUME_METRICS.map((m) => ({ value: m, label: t(`common:metrics.${m}`) }))}
      />
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label={t("params.loading")} />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data &&
        q.data
          .filter((p) => p.metric === metric)
          .map((p) => (
            <Card withBorder key={p.bucketMinutes} padding="sm">
              <Text fw={600} mb="xs">
                {t(`common:metrics.${p.metric}`)} — {p.bucketMinutes === 5 ? t("params.fiveMinute") : t("params.hourly")}
              </Text>
              <Table striped data-testid={`params-${p.bucketMinutes}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("params.col.parameter")}</Table.Th>
                    <Table.Th style={{ textAlign: "right" }}>{t("params.col.value")}</Table.Th>
                    <Table.Th>{t("params.col.unit")}</Table.Th>
                    <Table.Th>{t("params.col.what")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.params.map((x) => (
                    <Table.Tr key={x.key}>
                      <Table.Td style={{ fontFamily: "monospace" }}>{x.key}</Table.Td>
                      <Table.Td style={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }}>{x.value.toLocaleString(fmt.lang === "ja" ? "ja-JP" : "en-US")}</Table.Td>
                      <Table.Td>{x.unit}</Table.Td>
                      <Table.Td>{x.description}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          ))}
    </Stack>
  );
}
