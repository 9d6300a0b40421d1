// The feed-health server call (tRPC feeds.health): the feed-health page asks it every 30 s, the
// alarm strip above every page every minute (and only for a role that may read it).
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";

const FEED_HEALTH_REFRESH_MS = 30_000;
const BANNER_REFRESH_MS = 60_000;

export function useFeedHealth(opts: { banner?: boolean; enabled?: boolean } = {}) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.feeds.health.queryOptions(),
    enabled: opts.enabled ?? true,
    refetchInterval: opts.banner ? BANNER_REFRESH_MS : FEED_HEALTH_REFRESH_MS,
  });
}
