import type { RackMeasurements } from "../rack-measurements.ts";
import type { EstimationConfig } from "./config.ts";
import { ecmLimit, type SopCells } from "./sop.ts";
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
  const rated = state.cell.capacity_Ah;
  const cells: SopCells = {
    ocv_mV: state.ocv_mV,
    v1_mV: state.v1_mV,
    v2_mV: state.v2_mV,
    soc: state.soc,
    capacity_Ah: state.capacity.capacity_Ah,
    r0_mOhm: state.r0_mOhm,
    r1_mOhm: state.r1_mOhm,
    r2_mOhm: state.r2_mOhm,
  };
  const tMin = m.temperatureMin?.value ?? NaN;
  const tMax = m.temperatureMax?.value ?? NaN;
  const floor = config.socDerateFloor_C;
  const chargeFactor =
    rackTemperatureLimit_C(config.temperatureDerate, tMin, tMax, "charge") *
    socDerateFactor(socMax, config.chargeSocDerateStart_pct / 100, floor) *
    (state.topArmed ? 1 : 0);
  const dischargeFactor =
    rackTemperatureLimit_C(config.temperatureDerate, tMin, tMax, "discharge") *
    socDerateFactor(1 - socMin, 1 - config.dischargeSocDerateStart_pct / 100, floor) *
    (state.bottomArmed ? 1 : 0);
  const horizon = (direction: "charge" | "discharge", seconds: number, rating_C: number) => {
    const factor = direction === "charge" ? chargeFactor : dischargeFactor;
    const cap_A = rating_C * rated * factor;
    if (!(cap_A > 0)) return { current_A: 0, power_W: 0, cell: -1 };
    const limit_mV = direction === "charge" ? config.chargeCellVoltageLimit_mV : config.dischargeCellVoltageLimit_mV;
    const ecm = ecmLimit(cells, direction, seconds, config.cellTau1_s, config.cellTau2_s, limit_mV, rating_C * rated);
    const current_A = Math.min(ecm.current_A, cap_A);
    // Power at the pack voltage the model predicts at the ECM limit: conservative for discharge at a lower
    // current, and for charge the voltage is at most that.
    return { current_A, power_W: current_A * ecm.packVoltage_V, cell: ecm.current_A <= cap_A ? ecm.limitingCell : -1 };
  };
  const cc = horizon("charge", config.continuousHorizon_s, config.chargeRating_C.continuous);
  const dc = horizon("discharge", config.continuousHorizon_s, config.dischargeRating_C.continuous);
  const c60 = horizon("charge", 60, config.chargeRating_C.s60);
  const d60 = horizon("discharge", 60, config.dischargeRating_C.s60);
  const c10 = horizon("charge", 10, config.chargeRating_C.s10);
  const d10 = horizon("discharge", 10, config.dischargeRating_C.s10);
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
