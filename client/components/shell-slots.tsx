import type { ComponentType } from "react";

// Features that put something on pages owned by another feature register it here (see
// client/slots.ts): the incident banner on every page, panels on a bank's page.
export const shellSlots: {
  banner?: ComponentType;
  /** Further strips under the banner, on every page, in order (feed alarms…). */
  banners: Array<{ key: string; Component: ComponentType }>;
  /** Panels shown on a bank's page, in order (suspension panel, incident timeline…). */
  bankPanels: Array<{ key: string; Component: ComponentType<{ bankCode: string }> }>;
} = { bankPanels: [], banners: [] };
