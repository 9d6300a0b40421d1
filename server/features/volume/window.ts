// The volume pages' window: the range asked for, resolved at `now` (a bad range is a validation
// error the console shows by the range field), and the charge metric a measure reads.
import { AppError } from "../../../shared/errors.ts";
import type { VolumeMetric } from "../../../shared/volume/index.ts";
import { VolumeWindowError, resolveWindow, type ChargeMeasure, type VolumeWindow } from "../../../shared/volume/schemas.ts";

export function windowOrThrow(input: Parameters<typeof resolveWindow>[0], now: Date): VolumeWindow {
  try {
    return resolveWindow(input, now);
  } catch (err) {
    if (err instanceof VolumeWindowError) throw new AppError("VALIDATION_FAILED", err.message, { details: { field: "range" } });
    throw err;
  }
}

export function chargeMetricOf(measure: ChargeMeasure): VolumeMetric {
  return measure === "yen" ? "CHARGE_YEN" : "CHARGE_COUNT";
}
