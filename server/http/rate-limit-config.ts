// The rate limits' settings: RATE_LIMITS=off and the per-second and per-minute limits, read from the
// environment (server/http/rate-limit.ts describes what is counted).
import { z } from "zod";

export interface RateLimitConfig {
  enabled: boolean;
  apiPerKeyPerSecond: number;
  apiPerIpPerSecond: number;
  signInPerIpPerMinute: number;
  codePerIpPerMinute: number;
}

const EnvSchema = z.object({
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  API_RATE_PER_KEY_PER_SECOND: z.coerce.number().int().positive().default(1_000),
  API_RATE_PER_IP_PER_SECOND: z.coerce.number().int().positive().default(2_000),
  SIGN_IN_RATE_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
  SECOND_FACTOR_RATE_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(60),
});

export function rateLimitConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Configuration error: ${first.path.join(".")}: ${first.message}`);
  }
  const e = parsed.data;
  return {
    enabled: e.RATE_LIMITS === "on",
    apiPerKeyPerSecond: e.API_RATE_PER_KEY_PER_SECOND,
    apiPerIpPerSecond: e.API_RATE_PER_IP_PER_SECOND,
    signInPerIpPerMinute: e.SIGN_IN_RATE_PER_IP_PER_MINUTE,
    codePerIpPerMinute: e.SECOND_FACTOR_RATE_PER_IP_PER_MINUTE,
  };
}
