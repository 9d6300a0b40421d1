// Configuration, parsed once with zod so a bad value fails at start with its name.
import { z } from "zod";
import { SESSION_ABSOLUTE_HOURS_DEFAULT, SESSION_IDLE_MINUTES_DEFAULT } from "../shared/limits.ts";

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PG_DATA_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(SESSION_IDLE_MINUTES_DEFAULT),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(SESSION_ABSOLUTE_HOURS_DEFAULT),
  /** Set when the console is served behind TLS: cookies become Secure and HSTS is sent. */
  TRUST_TLS: z.enum(["0", "1"]).default("0"),
  /** 32 bytes (64 hex characters or base64) that encrypt staff TOTP secrets; the public dev key when unset (demo only). */
  TOTP_ENCRYPTION_KEY: z.string().optional(),
  DEMO_SEED: z.coerce.number().int().default(42),
  DEMO_SCALE: z.coerce.number().min(0).default(1),
});

export type Env = z.infer<typeof EnvSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Configuration error: ${first.path.join(".")}: ${first.message}`);
  }
  return parsed.data;
}
