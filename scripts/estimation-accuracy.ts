/**
 * Accuracy of SOC, SOH and SOP against the simulator's ground truth, through the real receive path: the
 * simulated rack sends its frames on the virtual CAN bus, the BCU pipeline (src/daemon/pipeline.ts) decodes them
 * into the measurement model and makes one snapshot per 100 ms cycle; on each snapshot this script runs the
 * BCU's estimation, protection (src/bcu/protection) and the published limits, and gives the limits to the
 * simulated PCS (closed loop). Plain coulomb counting, OCV-only and a per-cell EKF run on the same snapshots.
 *
 *   tsx scripts/estimation-accuracy.ts [--days 7] [--capacity-factor 1] [--soc-error 20] [--seed 1] [--trace FILE]
 *
 * --trace writes FILE-<capacityFactor>.csv: truth and every estimator every 5 simulated minutes.
 *
 * Without --capacity-factor it runs the two scenarios of issue 3: a new rack (SOC and SOP) and a rack at 92 %
 * capacity (SOH), both starting from a stored SOC 20 points wrong.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { defaultEstimationConfig } from "../src/bcu/estimation/config.ts";
import { stepEstimation } from "../src/bcu/estimation/estimation.ts";
import { createEstimationState } from "../src/bcu/estimation/state.ts";
import type { EstimationOutput, PersistedEstimation } from "../src/bcu/estimation/types.ts";
import { createLimitsState, defaultLimitsConfig, stepLimits } from "../src/bcu/limits.ts";
import { NO_CONTACTOR_FAULTS } from "../src/bcu/contactors/index.ts";
import {
  ALARM_IDS,
  createProtectionState,
  defaultProtectionConfig,
  evaluateProtection,
} from "../src/bcu/protection/index.ts";
import type { RackTopology } from "../src/bcu/rack-topology.ts";
import { VirtualCanBus } from "../src/can/transports/virtual-bus.ts";
import { silentLogger } from "../src/daemon/log.ts";
import { defaultConfig } from "../src/config/defaults.ts";
import { BcuPipeline } from "../src/daemon/pipeline.ts";
import { RackSimulator } from "../src/sim/rack-simulator.ts";
import { ScriptedContactorMaster } from "../src/sim/scripted-contactor-master.ts";
import { SimScheduler } from "../src/time/sim-scheduler.ts";
import { CellEkf, CoulombCountingOnly, OcvOnly } from "./estimation-baselines.ts";

const TOPOLOGY: RackTopology = { bmuCount: 15, firstBmuNode: 1, cellsPerBmu: 16, temperatureSensorsPerBmu: 8 };
const CELL = { capacity_Ah: 280, nominalVoltage_V: 3.2, maxVoltage_V: 3.65, minVoltage_V: 2.5 };
const CELLS = TOPOLOGY.bmuCount * TOPOLOGY.cellsPerBmu;
const DAY_ms = 86_400_000;
const SAMPLE_ms = 1000;

export interface Scenario {
  readonly days: number;
  readonly capacityFactor: number;
  /** Stored SOC error at start, points (added to every cell's true SOC). */
  readonly socError_pct: number;
  readonly seed: number;
}

interface ErrorSeries {
  readonly timeMs: number[];
  readonly error: number[];
}

function stats(series: ErrorSeries, fromMs: number, toMs = Infinity): { rmse: number; max: number; n: number } {
  let sum = 0;
  let max = 0;
  let n = 0;
  for (let k = 0; k < series.timeMs.length; k++) {
    const t = series.timeMs[k];
    if (t < fromMs || t >= toMs) continue;
    const e = series.error[k];
    sum += e * e;
    max = Math.max(max, Math.abs(e));
    n++;
  }
  return { rmse: n > 0 ? Math.sqrt(sum / n) : NaN, max, n };
}

/** Time from start after which |error| stays within `bound` points to the end, h. */
function convergence_h(series: ErrorSeries, bound: number): number {
  for (let k = series.error.length - 1; k >= 0; k--) {
    if (Math.abs(series.error[k]) > bound) return k + 1 < series.timeMs.length ? series.timeMs[k + 1] / 3_600_000 : NaN;
  }
  return 0;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

const TRACE_ms = 300_000;
const TRACE_HEADER =
  "hours,truthSoc,bcuSoc,ccSoc,ocvSoc,ekfSoc,current_A,chargeLimit_A,dischargeLimit_A,cellSocMin,cellSocMax,capacity_Ah,offset_A";

export function runScenario(scenario: Scenario, trace: string[] | null = null) {
  trace?.push(TRACE_HEADER);
  const scheduler = new SimScheduler();
  const bus = new VirtualCanBus(scheduler);
  const sim = new RackSimulator(
    { ...TOPOLOGY, cell: CELL },
    {
      seed: scenario.seed,
      capacityFactor: scenario.capacityFactor,
      currentSensor: { gainError: 0.005, offset_A: 0.5 },
      cellVoltageNoise_mV: 2,
      temperatureResolution_degC: 1,
    },
    scheduler,
    bus.endpoint("sim"),
  );
  const bcuEndpoint = bus.endpoint("bcu");
  // Stand-in for the contactor control (not estimation's job): closes the contactors and keeps them closed.
  const master = new ScriptedContactorMaster(scheduler, bcuEndpoint);
  const pipeline = new BcuPipeline({
    config: {
      ...defaultConfig(),
      rack: { ...defaultConfig().rack, ...TOPOLOGY },
      measurements: {
        cellVoltageTimeout_ms: 500,
        temperatureTimeout_ms: 3000,
        bmuStatusTimeout_ms: 3000,
        currentSensorTimeout_ms: 300,
        contactorFeedbackTimeout_ms: 500,
      },
      cycle: { period_ms: 100 },
    },
    scheduler,
    log: silentLogger,
    transport: bcuEndpoint,
  });

  const config = defaultEstimationConfig;
  // The simulated clock starts at a real date (the profile runs on UTC time of day): times below are from here.
  const startMs = scheduler.nowMs();
  const truth0 = sim.truth();
  const wrong = truth0.cellSoc.map((s) => Math.max(0, Math.min(1, s + scenario.socError_pct / 100)));
  const persisted: PersistedEstimation = {
    version: 1,
    timeMs: startMs,
    cellSoc: wrong,
    cellSocSigma: wrong.map(() => 0.05),
    cellCapacity_Ah: wrong.map(() => CELL.capacity_Ah),
    cellCapacityVariance_Ah2: wrong.map(() => ((config.capacityPriorUncertainty_pct / 100) * CELL.capacity_Ah) ** 2),
    cellCapacitySamples: wrong.map(() => 0),
    cellResistance25_mOhm: wrong.map(() => config.cellR0_mOhm),
    hysteresis: 0,
    currentOffset_A: 0,
    currentOffsetSigma_A: config.currentOffsetUncertainty_A,
    chargeThroughput_Ah: 0,
    dischargeThroughput_Ah: 0,
    packSoc: Math.min(1, truth0.packSoc + scenario.socError_pct / 100),
  };
  const state = createEstimationState(TOPOLOGY, CELL, config, { measurements: null, persisted, nowMs: startMs });
  const cc = new CoulombCountingOnly(persisted.packSoc, CELL.capacity_Ah, config.coulombicEfficiency);
  const ocv = new OcvOnly(CELLS, config, CELL.capacity_Ah);
  const ekf = new CellEkf(wrong, config, CELL.capacity_Ah);
  const limitsState = createLimitsState(startMs);
  const limitsConfig = defaultLimitsConfig(CELL.capacity_Ah, CELLS * CELL.nominalVoltage_V);
  const protectionConfig = defaultProtectionConfig();
  const protection = createProtectionState(protectionConfig, TOPOLOGY);
  const maxAlarmLevel = new Map<string, number>();

  const series = {
    bcu: { timeMs: [] as number[], error: [] as number[] },
    coulombCounting: { timeMs: [] as number[], error: [] as number[] },
    ocvOnly: { timeMs: [] as number[], error: [] as number[] },
    ekf: { timeMs: [] as number[], error: [] as number[] },
  };
  let capacityAfter5Days: number | null = null;
  let trueCapacityAfter5Days: number | null = null;
  let lastOutput: EstimationOutput | null = null;
  let maxCell_V = 0;
  let minCell_V = Infinity;
  let estimationTime_ms = 0;
  let estimationSteps = 0;
  let nextSampleMs = startMs;
  let calibrations = 0;
  // Discharges: from the PCS asking for discharge power to the end of that request.
  const discharges: { startMs: number; available_Wh: number; requested_Wh: number; delivered_Wh: number }[] = [];
  let open: (typeof discharges)[number] | null = null;
  let lastTruthMs = startMs;

  pipeline.onSnapshot("estimation-accuracy", (snapshot) => {
    const m = snapshot.measurements;
    const now = snapshot.timeMs;
    const t0 = performance.now();
    const out = stepEstimation(state, m, config, now);
    estimationTime_ms += performance.now() - t0;
    estimationSteps++;
    lastOutput = out;
    calibrations += out.events.filter((e) => e.kind === "calibration").length;
    const prot = evaluateProtection(
      protection,
      m,
      { packSoc_pct: out.packSoc_pct, contactorFaults: NO_CONTACTOR_FAULTS, contactorsClosed: true },
      protectionConfig,
      now,
    );
    for (const alarm of prot.alarms) {
      if (alarm.level > (maxAlarmLevel.get(alarm.id) ?? 0)) maxAlarmLevel.set(alarm.id, alarm.level);
    }
    const usable = out.socValid;
    const limits = stepLimits(
      limitsState,
      out.sop,
      { derateFactor: prot.derateFactor, forceZero: prot.forceZero, measurementsUsable: usable },
      limitsConfig,
      now,
    );
    sim.pcs.setLimits({
      chargeCurrentMax_A: limits.chargeCurrentMax_A,
      dischargeCurrentMax_A: limits.dischargeCurrentMax_A,
      chargePowerMax_W: limits.chargePowerMax_W,
      dischargePowerMax_W: limits.dischargePowerMax_W,
      stop: limits.stopRequested,
    });
    if (now < nextSampleMs) return;
    nextSampleMs = now + SAMPLE_ms;
    const truth = sim.truth();
    const truthSoc_pct = truth.packSoc * 100;
    const ccSoc = cc.step(m);
    const ocvSoc = ocv.step(m);
    const ekfSoc = ekf.step(m);
    const since = now - startMs;
    if (out.packSoc_pct !== null && usable) {
      series.bcu.timeMs.push(since);
      series.bcu.error.push(out.packSoc_pct - truthSoc_pct);
    }
    series.coulombCounting.timeMs.push(since);
    series.coulombCounting.error.push(ccSoc * 100 - truthSoc_pct);
    if (ocvSoc !== null) {
      series.ocvOnly.timeMs.push(since);
      series.ocvOnly.error.push(ocvSoc * 100 - truthSoc_pct);
    }
    if (ekfSoc !== null) {
      series.ekf.timeMs.push(since);
      series.ekf.error.push(ekfSoc * 100 - truthSoc_pct);
    }
    for (const v of truth.cellVoltage_V) {
      if (v > maxCell_V) maxCell_V = v;
      if (v < minCell_V) minCell_V = v;
    }
    const requested = sim.pcs.requestedPower_W(now);
    const dt_h = (now - lastTruthMs) / 3_600_000;
    lastTruthMs = now;
    if (requested > 0 && open === null) {
      open = { startMs: since, available_Wh: truth.deliverableEnergy_Wh, requested_Wh: 0, delivered_Wh: 0 };
      discharges.push(open);
    } else if (requested <= 0 && open !== null && truth.current_A <= 0.5) {
      open = null;
    }
    if (open !== null) {
      open.requested_Wh += Math.max(0, requested) * dt_h;
      open.delivered_Wh += Math.max(0, truth.current_A) * truth.packVoltage_V * dt_h;
    }
    if (trace !== null && since % TRACE_ms < SAMPLE_ms) {
      trace.push(
        [
          since / 3_600_000,
          truthSoc_pct,
          out.packSoc_pct,
          ccSoc * 100,
          ocvSoc === null ? NaN : ocvSoc * 100,
          ekfSoc === null ? NaN : ekfSoc * 100,
          truth.current_A,
          out.sop.chargeCurrentContinuous_A,
          out.sop.dischargeCurrentContinuous_A,
          out.cellSocMin_pct,
          out.cellSocMax_pct,
          out.capacity_Ah,
          out.currentOffset_A,
        ]
          .map((x) => (typeof x === "number" ? round(x, 3) : x))
          .join(","),
      );
    }
    if (capacityAfter5Days === null && since >= 5 * DAY_ms) {
      capacityAfter5Days = out.capacity_Ah;
      trueCapacityAfter5Days = truth.cellCapacity_Ah.reduce((a, b) => a + b, 0) / CELLS;
    }
  });

  sim.start();
  master.start();
  pipeline.start();
  const started = performance.now();
  scheduler.runFor(scenario.days * DAY_ms);
  const wall_s = (performance.now() - started) / 1000;
  const truth = sim.truth();
  const trueCapacity = truth.cellCapacity_Ah.reduce((a, b) => a + b, 0) / CELLS;
  const out = lastOutput as EstimationOutput | null;
  const socFigures = (s: ErrorSeries) => {
    const after = stats(s, DAY_ms);
    return {
      rmseAfterFirstCycle_pct: round(after.rmse),
      maxAfterFirstCycle_pct: round(after.max),
      firstDay: { rmse_pct: round(stats(s, 0, DAY_ms).rmse), max_pct: round(stats(s, 0, DAY_ms).max) },
      convergedWithin2p5_h: round(convergence_h(s, 2.5)),
      convergedWithin1_h: round(convergence_h(s, 1)),
    };
  };
  const perDay = [];
  for (let d = 0; d < scenario.days; d++) {
    const s = stats(series.bcu, d * DAY_ms, (d + 1) * DAY_ms);
    perDay.push({ day: d + 1, rmse_pct: round(s.rmse), max_pct: round(s.max) });
  }
  const dischargeRatios = discharges.map((d) => {
    const reference = Math.min(d.available_Wh, d.requested_Wh);
    return {
      startH: round(d.startMs / 3_600_000, 1),
      available_kWh: round(d.available_Wh / 1000, 1),
      requested_kWh: round(d.requested_Wh / 1000, 1),
      delivered_kWh: round(d.delivered_Wh / 1000, 1),
      ofAvailableOrRequested_pct: round((100 * d.delivered_Wh) / reference, 1),
    };
  });
  const voltageAlarms = ["cellOverVoltage", "cellUnderVoltage", "packOverVoltage", "packUnderVoltage"];
  const temperatureAlarms: string[] = ALARM_IDS.map((a) => a.id).filter((id) => id.includes("emperature"));
  return {
    scenario,
    wall_s: round(wall_s, 1),
    soc: {
      bcu: socFigures(series.bcu),
      coulombCounting: socFigures(series.coulombCounting),
      ocvOnly: socFigures(series.ocvOnly),
      ekf: socFigures(series.ekf),
      bcuPerDay: perDay,
      calibrationEvents: calibrations,
    },
    soh: {
      trueMeanCellCapacity_Ah: round(trueCapacity),
      estimatedCapacity_Ah: out ? round(out.capacity_Ah) : null,
      capacityErrorEnd_pct: out ? round((100 * (out.capacity_Ah - trueCapacity)) / trueCapacity) : null,
      capacityErrorAfter5Days_pct:
        capacityAfter5Days !== null && trueCapacityAfter5Days !== null
          ? round((100 * (capacityAfter5Days - trueCapacityAfter5Days)) / trueCapacityAfter5Days)
          : null,
      soh_pct: out ? round(out.soh_pct) : null,
      resistanceSoh_pct: out ? round(out.resistanceSoh_pct) : null,
      learnedCurrentOffset_A: out ? round(out.currentOffset_A, 3) : null,
    },
    sop: {
      maxCellVoltage_V: round(maxCell_V, 3),
      minCellVoltage_V: round(minCell_V, 3),
      maxAlarmLevels: Object.fromEntries([...maxAlarmLevel.entries()].filter(([, level]) => level > 0)),
      level2VoltageOrTemperatureAlarms: [...maxAlarmLevel.entries()].filter(
        ([id, level]) => level >= 2 && (voltageAlarms.includes(id) || temperatureAlarms.includes(id)),
      ).length,
      discharges: dischargeRatios,
      worstDischarge_pct: round(Math.min(...dischargeRatios.map((d) => d.ofAvailableOrRequested_pct)), 1),
    },
    cost: { estimationStep_us: round((1000 * estimationTime_ms) / Math.max(1, estimationSteps), 1) },
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      days: { type: "string", default: "7" },
      "capacity-factor": { type: "string" },
      "soc-error": { type: "string", default: "20" },
      seed: { type: "string", default: "1" },
      trace: { type: "string" },
    },
  });
  const days = Number(values.days);
  const socError_pct = Number(values["soc-error"]);
  const seed = Number(values.seed);
  const factors = values["capacity-factor"] === undefined ? [1, 0.92] : [Number(values["capacity-factor"])];
  for (const capacityFactor of factors) {
    const trace: string[] | null = values.trace === undefined ? null : [];
    console.log(JSON.stringify(runScenario({ days, capacityFactor, socError_pct, seed }, trace), null, 1));
    if (trace !== null) writeFileSync(`${values.trace}-${capacityFactor}.csv`, trace.join("\n") + "\n");
  }
}

main();
