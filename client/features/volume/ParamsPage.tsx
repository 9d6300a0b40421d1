// The detector's parameters as analysts read them: per metric and bucket size, each value with its
// unit and what it does (the same data the detector runs with).
import { Alert, Card, Center, Loader, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { METRIC_LABELS, VOLUME_METRICS, type VolumeMetric } from "../../../shared/volume/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useTRPC } from "../../trpc.ts";

export default function ParamsPage() {
  const trpc = useTRPC();
  const q = useQuery(trpc.volume.params.queryOptions());
  const [params, setParams] = useSearchParams();
  const metric = (VOLUME_METRICS as readonly string[]).includes(params.get("metric") ?? "") ? (params.get("metric") as VolumeMetric) : "LINK_REGISTERED";
  return (
    <Stack>
      <Title order={2}>How spikes are detected</Title>
      <Text size="sm" c="dimmed" maw={900}>
        Every bank's volume is compared with its own history: the same 5-minute (or hourly) slot of the week over the past 3–6 weeks in
        JST, robust to past spikes. With less history the same slot of the day is used, then the last few buckets; with too little, the
        baseline is “learning” and raises no spike. Two detectors run on 5-minute buckets (sharp bursts at busy banks) and on hourly
        buckets (steady attacks too sparse for 5 minutes): a burst opens when a bucket is far above the band, and a cumulative sum catches
        a sustained moderate rise. These are the values in use.
      </Text>
      <SegmentedControl
        aria-label="Metric"
        value={metric}
        onChange={(v) => setParams({ metric: v }, { replace: true })}
        data={VOLUME_METRICS.map((m) => ({ value: m, label: METRIC_LABELS[m] }))}
      />
      {q.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading the detector parameters" />
        </Center>
      )}
      {q.error && <Alert color="red">{errorMessage(q.error)}</Alert>}
      {q.data &&
        q.data
          .filter((p) => p.metric === metric)
          .map((p) => (
            <Card withBorder key={p.bucketMinutes} padding="sm">
              <Text fw={600} mb="xs">
                {METRIC_LABELS[p.metric]} — {p.bucketMinutes === 5 ? "5-minute buckets" : "hourly buckets"}
              </Text>
              <Table striped data-testid={`params-${p.bucketMinutes}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Parameter</Table.Th>
                    <Table.Th style={{ textAlign: "right" }}>Value</Table.Th>
                    <Table.Th>Unit</Table.Th>
                    <Table.Th>What it does</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.params.map((x) => (
                    <Table.Tr key={x.key}>
                      <Table.Td style={{ fontFamily: "monospace" }}>{x.key}</Table.Td>
                      <Table.Td style={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }}>{x.value.toLocaleString("en-US")}</Table.Td>
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
