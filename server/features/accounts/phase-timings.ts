// Where a bulk rescoring's time goes (the bench prints it): milliseconds of wall time and of this
// process's CPU per phase, summed over chunks. A phase is timed from the previous lap (or restart).

/** Milliseconds per phase: `phase` (wall) and `phase (node cpu)`. */
export type PhaseTimings = Record<string, number>;

export interface PhaseTimer {
  /** Adds the time since the previous lap to `phase`. */
  lap(phase: string): void;
  /** Starts the next phase now (time since the previous lap is not counted). */
  restart(): void;
}

const NONE: PhaseTimer = { lap: () => {}, restart: () => {} };

export function phaseTimer(timings: PhaseTimings | undefined): PhaseTimer {
  if (!timings) return NONE;
  let wall = performance.now();
  let cpu = process.cpuUsage();
  return {
    lap(phase) {
      const t = performance.now();
      const c = process.cpuUsage(cpu);
      timings[phase] = (timings[phase] ?? 0) + (t - wall);
      timings[`${phase} (node cpu)`] = (timings[`${phase} (node cpu)`] ?? 0) + (c.user + c.system) / 1000;
      wall = t;
      cpu = process.cpuUsage();
    },
    restart() {
      wall = performance.now();
      cpu = process.cpuUsage();
    },
  };
}
