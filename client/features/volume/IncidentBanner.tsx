// The incident banner on every page while any spike is open (registered as shellSlots.banner). It
// names the banks and links to their pages. Kept light: it is part of the initial bundle.
import { Alert, Anchor, Group, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { formatJst } from "../../../shared/format.ts";
import { METRIC_LABELS } from "../../../shared/volume/types.ts";
import { useTRPC } from "../../trpc.ts";
import { useCan } from "../auth/useMe.ts";
import { REFRESH_MS } from "./refresh.ts";

export function IncidentBanner() {
  const trpc = useTRPC();
  const allowed = useCan("volume.openSpikes");
  const q = useQuery({ ...trpc.volume.openSpikes.queryOptions(undefined, { refetchInterval: REFRESH_MS }), enabled: allowed });
  const banks = q.data ?? [];
  if (!allowed || banks.length === 0) return null;
  return (
    <Alert color="red" variant="filled" mb="md" icon={<IconAlertTriangle size={18} />} data-testid="incident-banner" title={banks.length === 1 ? "Spike in progress" : `Spikes in progress at ${banks.length} banks`}>
      <Group gap="lg">
        {banks.map((b) => (
          <Text key={b.bankCode} size="sm" c="white">
            <Anchor component={Link} to={`/banks/${b.bankCode}`} c="white" fw={700} underline="always">
              {b.bankName} ({b.bankCode})
            </Anchor>{" "}
            — {b.metrics.map((m) => METRIC_LABELS[m]).join(", ")} since {formatJst(b.since)}
          </Text>
        ))}
      </Group>
    </Alert>
  );
}
