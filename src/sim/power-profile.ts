import type { PowerProfileName } from "./options.ts";

/** Power the PCS wants at a time, W (+ = discharge). */
export type PowerProfile = (nowMs: number) => number;

const HOUR_ms = 3_600_000;
const DAY_ms = 24 * HOUR_ms;

/** One segment of a daily profile: from `fromHour` (inclusive) to the next segment, power in C (fraction of nominal energy per hour). */
interface DailySegment {
  readonly fromHour: number;
  readonly cRate: number;
}

/**
 * A C&I day (UTC time of day): charge off-peak at 0.5 C from 00:00 to 06:00 (the PCS or the BCU stops it when
 * full), rest, discharge 0.2 C at the morning peak 07:00–09:00, rest through the day (long OCV rests), discharge
 * 0.2 C at the evening peak 17:00–19:30, rest until midnight. That is 0.9 of the capacity per day.
 */
const CI_DAY: readonly DailySegment[] = [
  { fromHour: 0, cRate: -0.5 },
  { fromHour: 6, cRate: 0 },
  { fromHour: 7, cRate: 0.2 },
  { fromHour: 9, cRate: 0 },
  { fromHour: 17, cRate: 0.2 },
  { fromHour: 19.5, cRate: 0 },
];

function daily(segments: readonly DailySegment[], nominalPower_W: number): PowerProfile {
  return (nowMs) => {
    const hour = (((nowMs % DAY_ms) + DAY_ms) % DAY_ms) / HOUR_ms;
    let cRate = 0;
    for (const segment of segments) if (hour >= segment.fromHour) cRate = segment.cRate;
    return cRate * nominalPower_W;
  };
}

/**
 * The named profile, scaled. `nominalEnergy_Wh` is cells × nominal voltage × nominal capacity; 1 C of power is
 * that energy per hour.
 */
export function createPowerProfile(name: PowerProfileName, scale: number, nominalEnergy_Wh: number): PowerProfile {
  const nominalPower_W = nominalEnergy_Wh * scale;
  switch (name) {
    case "ci-day":
      return daily(CI_DAY, nominalPower_W);
    case "idle":
      return () => 0;
  }
}
