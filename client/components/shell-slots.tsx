import type { ComponentType } from "react";

// Features that put something on every page (the incident banner) register it here.
export const shellSlots: { banner?: ComponentType } = {};
