// `npm run simulate`'s command line (see simulate.ts for what each option does), checked, and the
// platform key it posts with.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { REFERENCE_BANKS } from "../../features/reference/banks.ts";

export interface SimulateOptions {
  baseUrl: string;
  /** honest events per second */
  ratePerSecond: number;
  /** the ring's events per second at attackBank (scenario attack) */
  attackRatePerSecond: number;
  /** 0 = until Ctrl-C */
  durationSeconds: number;
  scenario: "normal" | "attack";
  attackBank: string;
  honestWalletsAtStart: number;
  apiKey: string;
  seed: string | undefined;
}

export function fail(message: string): never {
  console.error(`[simulate] ${message}`);
  process.exit(1);
}

export function readOptions(): SimulateOptions {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: "http://localhost:3000" },
      key: { type: "string" },
      rate: { type: "string", default: "0.5" },
      "attack-rate": { type: "string", default: "6" },
      duration: { type: "string", default: "120" },
      scenario: { type: "string", default: "normal" },
      bank: { type: "string", default: "0126" },
      wallets: { type: "string", default: "20" },
      seed: { type: "string" },
    },
  });
  const baseUrl = values.url!.replace(/\/+$/, "");
  const ratePerSecond = Number(values.rate);
  const attackRatePerSecond = Number(values["attack-rate"]);
  const durationSeconds = Number(values.duration);
  const scenario = values.scenario!;
  const attackBank = values.bank!;
  const honestWalletsAtStart = Number(values.wallets);
  if (!(ratePerSecond >= 0.1 && ratePerSecond <= 5000)) fail("--rate must be between 0.1 and 5000 events per second");
  if (!(attackRatePerSecond >= 0.1 && attackRatePerSecond <= 5000)) fail("--attack-rate must be between 0.1 and 5000 events per second");
  if (!(durationSeconds >= 0)) fail("--duration must be a number of seconds (0 = until Ctrl-C)");
  if (scenario !== "normal" && scenario !== "attack") fail("--scenario must be normal or attack");
  if (!REFERENCE_BANKS.some((b) => b.code === attackBank)) fail(`--bank ${attackBank} is not a reference bank code`);
  if (!(Number.isInteger(honestWalletsAtStart) && honestWalletsAtStart >= 1 && honestWalletsAtStart <= 10_000)) fail("--wallets must be between 1 and 10000");
  return { baseUrl, ratePerSecond, attackRatePerSecond, durationSeconds, scenario, attackBank, honestWalletsAtStart, apiKey: readKey(values.key), seed: values.seed };
}

function readKey(key: string | undefined): string {
  if (key) return key;
  const file = path.resolve(import.meta.dirname, "../../../.data/demo-platform-api-key.txt");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    fail(`no --key given and ${path.relative(process.cwd(), file)} is missing: start the console once (npm start) or pass --key`);
  }
}
