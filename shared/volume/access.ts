import type { AccessMap } from "../auth/permissions.ts";
import { ALL_STAFF } from "../auth/roles.ts";

// Every role reads volume: the overview is the first screen of an incident for everyone, and
// support uses the bank page to see when a victim's bank was attacked.
export const volumeAccess = {
  "volume.overview": ALL_STAFF,
  "volume.overviewKpis": ALL_STAFF,
  "volume.bank": ALL_STAFF,
  "volume.openSpikes": ALL_STAFF,
  "volume.params": ALL_STAFF,
  // Acknowledging a bank's alarm takes it off everyone's banner: those who work the incident.
  "volume.acknowledgeAlarm": ["MANAGER", "ANALYST"],
} satisfies AccessMap;
