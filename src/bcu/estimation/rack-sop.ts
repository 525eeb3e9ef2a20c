import type { RackMeasurements } from "../rack-measurements.ts";
import type { EstimationConfig } from "./config.ts";
import { lfpHalfHysteresis_mV, lfpMeanOcv_mV, lfpSocFromOcvFast } from "./lfp-ocv.ts";
import {
  ecmLimits,
  newEcmLimit,
  fillOcvSlopes,
  horizonSpans_Ah,
  type EcmHorizon,
  type EcmHorizons,
  type EcmLimit,
  type EcmLimits,
  type SopCells,
} from "./sop.ts";
import type { EstimationState } from "./state.ts";
import { rackTemperatureLimit_C, socDerateFactor } from "./temperature-derate.ts";
import type { Sop } from "./types.ts";

export const ZERO_SOP: Sop = {
  chargeCurrentContinuous_A: 0,
  dischargeCurrentContinuous_A: 0,
  chargeCurrent10s_A: 0,
  dischargeCurrent10s_A: 0,
  chargeCurrent60s_A: 0,
  dischargeCurrent60s_A: 0,
  chargePowerContinuous_W: 0,
  dischargePowerContinuous_W: 0,
  chargePower10s_W: 0,
  dischargePower10s_W: 0,
  chargePower60s_W: 0,
  dischargePower60s_W: 0,
  maxChargeVoltage_V: 0,
  minDischargeVoltage_V: 0,
  chargeLimitingCell: -1,
  dischargeLimitingCell: -1,
};

/**
 * The rack's SOP: for each horizon the equivalent-circuit limit of the most-limited cell, capped by the
 * datasheet rating for that horizon × the temperature table (coldest and hottest sensor) × the SOC derate near
 * the ends; 0 in a direction where the rack is full (charge) or empty (discharge). Needs `state.ocv_mV` and the
 * resistances at temperature filled for this cycle.
 */
export function rackSop(
  state: EstimationState,
  m: RackMeasurements,
  config: EstimationConfig,
  socMin: number,
  socMax: number,
): Sop {
  const cells: SopCells = {
    ocv_mV: state.ocv_mV,
    v1_mV: state.v1_mV,
    v2_mV: state.v2_mV,
    socAtOcv: state.socAtOcv,
    capacity_Ah: state.capacity.capacity_Ah,
    r0_mOhm: state.r0_mOhm,
    r1_mOhm: state.r1_mOhm,
    r2_mOhm: state.r2_mOhm,
  };
  // The SOC derate near the ends applies where the voltage confirms the end: a SOC estimate that is wrong high
  // must not starve the charge before the top calibration can correct it (nor wrong low the discharge).
  refreshOcvPosition(state, config);
  let socAtOcvMax = 0;
  let socAtOcvMin = 1;
  for (let i = 0; i < state.cells; i++) {
    const s = state.socAtOcv[i];
    if (s > socAtOcvMax) socAtOcvMax = s;
    if (s < socAtOcvMin) socAtOcvMin = s;
  }
  const towardFull = Math.min(socMax, socAtOcvMax);
  const towardEmpty = Math.max(socMin, socAtOcvMin);
  const tMin = m.temperatureMin?.value ?? NaN;
  const tMax = m.temperatureMax?.value ?? NaN;
  const floor = config.socDerateFloor_C;
  const chargeFactor =
    rackTemperatureLimit_C(config.temperatureDerate, tMin, tMax, "charge") *
    socDerateFactor(towardFull, config.chargeSocDerateStart_pct / 100, floor) *
    (state.topArmed ? 1 : 0);
  const dischargeFactor =
    rackTemperatureLimit_C(config.temperatureDerate, tMin, tMax, "discharge") *
    socDerateFactor(1 - towardEmpty, 1 - config.dischargeSocDerateStart_pct / 100, floor) *
    (state.bottomArmed ? 1 : 0);
  const charge = directionLimits(state, config, cells, "charge", chargeFactor);
  const discharge = directionLimits(state, config, cells, "discharge", dischargeFactor);
  const [cc, c60, c10] = charge;
  const [dc, d60, d10] = discharge;
  return {
    chargeCurrentContinuous_A: cc.current_A,
    dischargeCurrentContinuous_A: dc.current_A,
    // A shorter horizon never allows less than a longer one.
    chargeCurrent60s_A: Math.max(c60.current_A, cc.current_A),
    dischargeCurrent60s_A: Math.max(d60.current_A, dc.current_A),
    chargeCurrent10s_A: Math.max(c10.current_A, c60.current_A, cc.current_A),
    dischargeCurrent10s_A: Math.max(d10.current_A, d60.current_A, dc.current_A),
    chargePowerContinuous_W: cc.power_W,
    dischargePowerContinuous_W: dc.power_W,
    chargePower60s_W: Math.max(c60.power_W, cc.power_W),
    dischargePower60s_W: Math.max(d60.power_W, dc.power_W),
    chargePower10s_W: Math.max(c10.power_W, c60.power_W, cc.power_W),
    dischargePower10s_W: Math.max(d10.power_W, d60.power_W, dc.power_W),
    maxChargeVoltage_V: (state.cells * config.chargeCellVoltageLimit_mV) / 1000,
    minDischargeVoltage_V: (state.cells * config.dischargeCellVoltageLimit_mV) / 1000,
    chargeLimitingCell: cc.cell,
    dischargeLimitingCell: dc.cell,
  };
}

interface DirectionLimit {
  readonly current_A: number;
  readonly power_W: number;
  readonly cell: number;
}

const NO_LIMIT: DirectionLimit = { current_A: 0, power_W: 0, cell: -1 };
const NO_LIMITS: readonly [DirectionLimit, DirectionLimit, DirectionLimit] = [NO_LIMIT, NO_LIMIT, NO_LIMIT];
// Scratch for the equivalent-circuit pass (the core is single-threaded; read before the next call).
const ecm: EcmLimits = [newEcmLimit(), newEcmLimit(), newEcmLimit()];

/** The continuous, 60 s and 10 s horizons with the datasheet's rated current for each, in one direction. */
function horizonsOf(config: EstimationConfig, rated_Ah: number, direction: "charge" | "discharge"): EcmHorizons {
  const rating_C = direction === "charge" ? config.chargeRating_C : config.dischargeRating_C;
  return [
    { horizon_s: config.continuousHorizon_s, ratedCurrent_A: rating_C.continuous * rated_Ah },
    { horizon_s: 60, ratedCurrent_A: rating_C.s60 * rated_Ah },
    { horizon_s: 10, ratedCurrent_A: rating_C.s10 * rated_Ah },
  ];
}

// The horizons change only with the configuration: built once per configuration and cell.
let horizonsCache: { config: EstimationConfig; rated_Ah: number; charge: EcmHorizons; discharge: EcmHorizons } | null =
  null;

function cachedHorizons(config: EstimationConfig, rated_Ah: number, direction: "charge" | "discharge"): EcmHorizons {
  if (horizonsCache === null || horizonsCache.config !== config || horizonsCache.rated_Ah !== rated_Ah) {
    horizonsCache = {
      config,
      rated_Ah,
      charge: horizonsOf(config, rated_Ah, "charge"),
      discharge: horizonsOf(config, rated_Ah, "discharge"),
    };
  }
  return horizonsCache[direction];
}

/**
 * One direction's limits for the three horizons: the equivalent-circuit limit capped by the rated current ×
 * `factor` (temperature and SOC derate), with the power at the pack voltage the model predicts at the limit.
 */
function directionLimits(
  state: EstimationState,
  config: EstimationConfig,
  cells: SopCells,
  direction: "charge" | "discharge",
  factor: number,
): readonly [DirectionLimit, DirectionLimit, DirectionLimit] {
  if (!(factor > 0)) return NO_LIMITS;
  const horizons = cachedHorizons(config, state.cell.capacity_Ah, direction);
  const limit_mV = direction === "charge" ? config.chargeCellVoltageLimit_mV : config.dischargeCellVoltageLimit_mV;
  const slopes = direction === "charge" ? state.chargeSlopes : state.dischargeSlopes;
  ecmLimits(cells, direction, horizons, config.cellTau1_s, config.cellTau2_s, limit_mV, ecm, slopes);
  return [
    cappedLimit(horizons[0], ecm[0], factor),
    cappedLimit(horizons[1], ecm[1], factor),
    cappedLimit(horizons[2], ecm[2], factor),
  ];
}

/**
 * The ECM limit capped by the horizon's rated current × `factor`. Power at the pack voltage the model predicts at
 * the ECM limit: for discharge the voltage at a lower current is higher (conservative), for charge it is at most
 * that.
 */
function cappedLimit(horizon: EcmHorizon, limit: EcmLimit, factor: number): DirectionLimit {
  const cap_A = horizon.ratedCurrent_A * factor;
  const current_A = Math.min(limit.current_A, cap_A);
  return {
    current_A,
    power_W: current_A * limit.packVoltage_V,
    cell: limit.current_A <= cap_A ? limit.limitingCell : -1,
  };
}

/** Cells refreshed per cycle: 1 in OCV_REFRESH_STRIDE, so each cell's position is at most 10 cycles old. */
const OCV_REFRESH_STRIDE = 10;

/**
 * Where each cell's OCV sits on the curve and the OCV secants SOP needs there. These move with the SOC, slowly
 * (under 0.02 % per cycle at 0.5 C), so a tenth of the cells is refreshed each cycle, in turn: the table lookups
 * are most of the cost of SOP for 240 cells.
 */
function refreshOcvPosition(state: EstimationState, config: EstimationConfig): void {
  const rated = state.cell.capacity_Ah;
  const charge = horizonSpans_Ah(cachedHorizons(config, rated, "charge"));
  const discharge = horizonSpans_Ah(cachedHorizons(config, rated, "discharge"));
  const first = state.ocvRefreshPhase === -1 ? 0 : state.ocvRefreshPhase;
  const stride = state.ocvRefreshPhase === -1 ? 1 : OCV_REFRESH_STRIDE;
  state.ocvRefreshPhase = (first + 1) % OCV_REFRESH_STRIDE;
  for (let i = first; i < state.cells; i += stride) {
    const soc = lfpSocFromOcvFast(state.ocv_mV[i] - state.hysteresis * lfpHalfHysteresis_mV(state.soc[i]));
    const invCapacity = 1 / state.capacity.capacity_Ah[i];
    const ocvAtSoc = lfpMeanOcv_mV(soc);
    state.socAtOcv[i] = soc;
    fillOcvSlopes(
      state.chargeSlopes,
      i,
      soc,
      ocvAtSoc,
      charge.long_Ah * invCapacity,
      charge.short_Ah * invCapacity,
      "charge",
    );
    fillOcvSlopes(
      state.dischargeSlopes,
      i,
      soc,
      ocvAtSoc,
      discharge.long_Ah * invCapacity,
      discharge.short_Ah * invCapacity,
      "discharge",
    );
  }
}
