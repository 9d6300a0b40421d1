import { Alert, Button, Card, Center, Group, Loader, NumberInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { errorMessage } from "../../lib/errors.ts";
import { formatYen } from "../../../shared/format.ts";

function SettingEditor({ settingKey, label, value }: { settingKey: "compensation.approvalThresholdYen"; label: string; value: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<number | string>(value);
  const [reason, setReason] = useState("");
  const update = useMutation(
    trpc.admin.updateSetting.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "green", message: `${label} saved.` });
        setReason("");
        return queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  );
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Text fw={500}>{label}</Text>
        <Text size="sm" c="dimmed">
          Now {formatYen(value)}
        </Text>
        {update.error && <Alert color="red">{errorMessage(update.error)}</Alert>}
        <Group align="flex-end">
          <NumberInput label="New value (yen)" value={draft} onChange={setDraft} thousandSeparator="," min={1000} step={10000} w={200} />
          <TextInput label="Reason" placeholder="Why this changes" value={reason} onChange={(e) => setReason(e.currentTarget.value)} w={320} />
          <Button onClick={() => update.mutate({ key: settingKey, value: Number(draft), reason })} loading={update.isPending} disabled={reason.trim().length < 5}>
            Save
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export default function AdminPage() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.admin.settings.queryOptions());
  return (
    <Stack>
      <Title order={2}>Administration</Title>
      <Text c="dimmed" size="sm">
        Settings that change how the console behaves. Staff and API-key administration will appear here too.
      </Text>
      {settings.isPending && (
        <Center p="xl">
          <Loader aria-label="Loading settings" />
        </Center>
      )}
      {settings.error && <Alert color="red">{errorMessage(settings.error)}</Alert>}
      {settings.data?.map((s) => <SettingEditor key={s.key} settingKey={s.key} label={s.label} value={s.value} />)}
    </Stack>
  );
}
