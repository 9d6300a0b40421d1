export { REFERENCE_BANKS, type ReferenceBank } from "./banks.ts";
export {
  generateDemo,
  collectDemo,
  defaultAttacks,
  CHARGE_LIMIT_YEN,
  MONTHLY_CHARGE_LIMIT_YEN,
  type DemoBank,
  type DemoAttackSpec,
  type DemoAttackLabel,
  type DemoLabels,
  type DemoRun,
  type DemoStats,
  type DemoVictim,
  type GenerateDemoOptions,
} from "./generator.ts";
export { writeLabels } from "./labels.ts";
