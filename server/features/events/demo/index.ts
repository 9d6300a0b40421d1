export { generateDemo, collectDemo, defaultAttacks } from "./generator.ts";
export { CHARGE_LIMIT_YEN, MONTHLY_CHARGE_LIMIT_YEN } from "./simulation.ts";
export type { DemoBank, DemoAttackSpec, DemoAttackLabel, DemoLabels, DemoRun, DemoStats, DemoVictim, GenerateDemoOptions } from "./types.ts";
export { writeLabels } from "./labels.ts";
