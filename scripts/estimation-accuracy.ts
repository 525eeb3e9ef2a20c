/**
 * Accuracy of SOC, SOH and SOP against the simulator's ground truth, closed loop through the whole BCU: the
 * daemon's simulated rack (src/daemon/simulated-rack.ts) sends real frames on the virtual CAN bus, the BCU cycle
 * runs its own estimation, protection, contactor control and limits, and the simulated PCS obeys the published
 * limits. The BCU starts from a stored SOC `--soc-error` points off the truth (restored as the store would).
 * Plain coulomb counting, OCV-only and a per-cell EKF (scripts/estimation-baselines.ts) run on the same
 * measurements, so the gain of the method is visible.
 *
 *   npx tsx scripts/estimation-accuracy.ts [--days 7] [--capacity-factor 1] [--soc-error 20] [--seed 1] [--trace FILE]
 *
 * --trace writes FILE-<capacityFactor>.csv: truth and every estimator every 5 simulated minutes.
 *
 * Without --capacity-factor it runs the two scenarios of issue 3: a new rack (SOC and SOP) and a rack at 92 %
 * capacity (SOH), both starting from a stored SOC 20 points wrong. Error scenario: current sensor gain +0.5 %,
 * offset 0.5 A; cell voltage noise ±2 mV; 1 °C temperature resolution; the simulator's cell spread.
 */
import { writeFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { defaultEstimationConfig } from "../src/bcu/estimation/config.ts";
import { persistedEstimationAt } from "../src/bcu/estimation/state.ts";
import { ALARM_IDS } from "../src/bcu/protection/index.ts";
import type { Snapshot } from "../src/bcu/snapshot.ts";
import { defaultConfig } from "../src/config/defaults.ts";
import { createSimulatedRack } from "../src/daemon/simulated-rack.ts";
import { SimScheduler } from "../src/time/sim-scheduler.ts";
import { CellEkf, CoulombCountingOnly, OcvOnly } from "./estimation-baselines.ts";

const CELL = defaultConfig().rack.cell;
const CELLS = defaultConfig().rack.bmuCount * defaultConfig().rack.cellsPerBmu;
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
  return { rmse: n > 0 ? Math.sqrt(sum / n) : NaN, max: n > 0 ? max : NaN, n };
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
  "hours,truthSoc,bcuSoc,ccSoc,ocvSoc,ekfSoc,current_A,chargeLimit_A,dischargeLimit_A,cellSocMin,cellSocMax,capacity_Ah";

export function runScenario(scenario: Scenario, trace: string[] | null = null) {
  trace?.push(TRACE_HEADER);
  const config = defaultConfig();
  const estimationConfig = defaultEstimationConfig;
  const simulator = {
    seed: scenario.seed,
    capacityFactor: scenario.capacityFactor,
    currentSensor: { gainError: 0.005, offset_A: 0.5, noise_A: 0.05, cycle_ms: 100 },
    cellVoltageNoise_mV: 2,
    temperatureResolution_degC: 1,
  };
  // A probe rack (same seed: same cells) gives the truth at the start; the BCU then starts from a stored SOC
  // `socError_pct` points off every cell's true SOC, as after a store written by a BCU that had drifted.
  const probe = createSimulatedRack({ config, scheduler: new SimScheduler(), simulator, start: false });
  const startMs = probe.scheduler.nowMs();
  const truth0 = probe.simulator.truth();
  const wrong = truth0.cellSoc.map((s) => Math.max(0, Math.min(1, s + scenario.socError_pct / 100)));
  const stored = persistedEstimationAt(
    config.rack,
    config.rack.cell,
    estimationConfig,
    wrong,
    truth0.packSoc + scenario.socError_pct / 100,
    startMs,
  );
  const rack = createSimulatedRack({
    config,
    scheduler: new SimScheduler(),
    simulator,
    persisted: { estimation: stored },
    start: false,
  });
  const sim = rack.simulator;
  const cc = new CoulombCountingOnly(stored.packSoc, CELL.capacity_Ah, estimationConfig.coulombicEfficiency);
  const ocv = new OcvOnly(CELLS, estimationConfig, CELL.capacity_Ah);
  const ekf = new CellEkf(wrong, estimationConfig, CELL.capacity_Ah);
  const maxAlarmLevel = new Map<string, number>();
  // Time at level 2 or more per alarm, h (sampled once per second).
  const level2Hours = new Map<string, number>();

  const series = {
    bcu: { timeMs: [] as number[], error: [] as number[] },
    coulombCounting: { timeMs: [] as number[], error: [] as number[] },
    ocvOnly: { timeMs: [] as number[], error: [] as number[] },
    ekf: { timeMs: [] as number[], error: [] as number[] },
  };
  let capacityAfter5Days: number | null = null;
  let trueCapacityAfter5Days: number | null = null;
  let last: Snapshot | null = null;
  let maxCell_V = 0;
  let minCell_V = Infinity;
  let nextSampleMs = startMs;
  let calibrations = 0;
  let cycles = 0;
  // Discharges: from the PCS asking for discharge power to the end of that request.
  const discharges: {
    startMs: number;
    available_Wh: number;
    requested_Wh: number;
    delivered_Wh: number;
    /** What the truth says was still available when the discharge ended. */
    leftAtEnd_Wh: number;
  }[] = [];
  let open: (typeof discharges)[number] | null = null;
  let lastTruthMs = startMs;

  rack.pipeline.onSnapshot("estimation-accuracy", (snapshot) => {
    cycles++;
    const m = snapshot.measurements;
    const now = snapshot.timeMs;
    last = snapshot;
    calibrations += snapshot.events.filter((e) => e.kind === "calibration").length;
    for (const alarm of snapshot.alarms) {
      if (alarm.level > (maxAlarmLevel.get(alarm.id) ?? 0)) maxAlarmLevel.set(alarm.id, alarm.level);
    }
    const est = snapshot.estimation;
    const usable = est !== null && est.valid && est.packSoc_pct !== null;
    if (now < nextSampleMs) return;
    nextSampleMs = now + SAMPLE_ms;
    const truth = sim.truth();
    const truthSoc_pct = truth.packSoc * 100;
    const ccSoc = cc.step(m);
    const ocvSoc = ocv.step(m);
    const ekfSoc = ekf.step(m);
    const since = now - startMs;
    if (usable && est.packSoc_pct !== null) {
      series.bcu.timeMs.push(since);
      series.bcu.error.push(est.packSoc_pct - truthSoc_pct);
    }
    for (const alarm of snapshot.alarms) {
      if (alarm.level >= 2) level2Hours.set(alarm.id, (level2Hours.get(alarm.id) ?? 0) + SAMPLE_ms / 3_600_000);
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
      open = {
        startMs: since,
        available_Wh: truth.deliverableEnergy_Wh,
        requested_Wh: 0,
        delivered_Wh: 0,
        leftAtEnd_Wh: truth.deliverableEnergy_Wh,
      };
      discharges.push(open);
    } else if (requested <= 0 && open !== null && truth.current_A <= 0.5) {
      open = null;
    }
    if (open !== null) {
      open.requested_Wh += Math.max(0, requested) * dt_h;
      open.delivered_Wh += Math.max(0, truth.current_A) * truth.packVoltage_V * dt_h;
      open.leftAtEnd_Wh = truth.deliverableEnergy_Wh;
    }
    if (trace !== null && since % TRACE_ms < SAMPLE_ms) {
      trace.push(
        [
          since / 3_600_000,
          truthSoc_pct,
          est?.packSoc_pct ?? NaN,
          ccSoc * 100,
          ocvSoc === null ? NaN : ocvSoc * 100,
          ekfSoc === null ? NaN : ekfSoc * 100,
          truth.current_A,
          snapshot.limits?.chargeCurrentMax_A ?? NaN,
          snapshot.limits?.dischargeCurrentMax_A ?? NaN,
          est?.cellSocMin_pct ?? NaN,
          est?.cellSocMax_pct ?? NaN,
          est?.capacity_Ah ?? NaN,
        ]
          .map((x) => (typeof x === "number" ? round(x, 3) : x))
          .join(","),
      );
    }
    if (capacityAfter5Days === null && since >= 5 * DAY_ms && est?.capacity_Ah != null) {
      capacityAfter5Days = est.capacity_Ah;
      trueCapacityAfter5Days = truth.cellCapacity_Ah.reduce((a, b) => a + b, 0) / CELLS;
    }
  });

  rack.start();
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  rack.scheduler.runFor(scenario.days * DAY_ms);
  const wall_s = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cycleCpu_us = cpu.user + cpu.system;
  const truth = sim.truth();
  const trueCapacity = truth.cellCapacity_Ah.reduce((a, b) => a + b, 0) / CELLS;
  const lastEstimation = (last as Snapshot | null)?.estimation ?? null;
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
      left_kWh: round(d.leftAtEnd_Wh / 1000, 1),
      // Where the PCS asked for more than the rack held: the share of the available energy that left the cells
      // (delivered + the cells' own I²R losses, which no BCU can avoid); the rest stayed in the rack.
      takenFromCells_pct:
        d.requested_Wh >= d.available_Wh ? round((100 * (d.available_Wh - d.leftAtEnd_Wh)) / d.available_Wh, 1) : null,
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
      estimatedCapacity_Ah: lastEstimation?.capacity_Ah != null ? round(lastEstimation.capacity_Ah) : null,
      capacityErrorEnd_pct:
        lastEstimation?.capacity_Ah != null
          ? round((100 * (lastEstimation.capacity_Ah - trueCapacity)) / trueCapacity)
          : null,
      capacityErrorAfter5Days_pct:
        capacityAfter5Days !== null && trueCapacityAfter5Days !== null
          ? round((100 * (capacityAfter5Days - trueCapacityAfter5Days)) / trueCapacityAfter5Days)
          : null,
      soh_pct: lastEstimation?.soh_pct != null ? round(lastEstimation.soh_pct) : null,
    },
    sop: {
      maxCellVoltage_V: round(maxCell_V, 3),
      minCellVoltage_V: round(minCell_V, 3),
      maxAlarmLevels: Object.fromEntries([...maxAlarmLevel.entries()].filter(([, level]) => level > 0)),
      level2Hours: Object.fromEntries([...level2Hours.entries()].map(([id, h]) => [id, round(h, 2)])),
      level2VoltageOrTemperatureAlarms: [...maxAlarmLevel.entries()].filter(
        ([id, level]) => level >= 2 && (voltageAlarms.includes(id) || temperatureAlarms.includes(id)),
      ).length,
      discharges: dischargeRatios,
      worstDischarge_pct: round(Math.min(...dischargeRatios.map((d) => d.ofAvailableOrRequested_pct)), 1),
    },
    // CPU of the whole closed loop (simulator, bus, BCU cycle) per 100 ms cycle, for the script's own speed; the
    // estimation step alone is measured by bench/estimation.ts.
    simulationCpuPerCycle_us: round(cycleCpu_us / Math.max(1, cycles), 1),
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
