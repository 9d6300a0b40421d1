import { z } from "zod";

export const ROLES = ["ANALYST", "MANAGER", "SUPPORT", "ADMIN"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = {
  ANALYST: "Fraud analyst",
  MANAGER: "Manager",
  SUPPORT: "Support",
  ADMIN: "Administrator",
};

/** Where each role lands after signing in. */
export const LANDING_PATH: Record<Role, string> = {
  ANALYST: "/overview",
  MANAGER: "/overview",
  SUPPORT: "/compensation",
  ADMIN: "/overview",
};

export const ALL_STAFF: readonly Role[] = ROLES;
