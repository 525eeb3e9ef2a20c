/**
 * Protection figures (issue 4):
 * - cost of one protection evaluation for 240 cells (15 BMUs x 16), and of the contactor and balancing steps;
 * - fault reaction in simulated time, at 100 ms and 10 ms cycles: from the current-sensor frame whose value
 *   completed the over-current debounce to the contactor frame that opens, over injected over-currents;
 * - balancing convergence (long: `npx tsx bench/protection.ts --balancing`): a rack at rest near full with a 60 mV
 *   spread, simulated until the spread is <= 10 mV.
 * Benchmarks measure; they never assert.
 */
import { performance } from "node:perf_hooks";
import { IVT_RESULT_BASE, decodeIvtResult } from "../src/can/codecs/ivt.ts";
import { ALARM_INDEX } from "../src/bcu/protection/alarm-ids.ts";
import { createProtectionState, evaluateProtection } from "../src/bcu/protection/protection.ts";
import { createContactorState, stepContactors } from "../src/bcu/contactors/contactor-machine.ts";
import { createBalancingState, stepBalancing } from "../src/bcu/balancing/balancing.ts";
import { NO_CONTACTOR_FAULTS } from "../src/bcu/contactors/contactor-faults.ts";
import { BcuLoop } from "../test/closed-loop/bcu-loop.ts";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** µs per call of each BCU step on a live 240-cell measurement picture (rack closed, 60 kW discharge). */
export function benchProtectionCost() {
  const loop = new BcuLoop();
  loop.closeAndSettle();
  loop.sim.pcs.setManualPower_W(60_000);
  loop.runFor(5000);
  const m = loop.m;
  const rack = loop.config.rack;
  const protection = createProtectionState(loop.protectionConfig, rack);
  const contactors = createContactorState(loop.contactorConfig);
  const balancing = createBalancingState(rack);
  const ctx = { packSoc_pct: 50, contactorFaults: NO_CONTACTOR_FAULTS, contactorsClosed: true };
  const batches = 200;
  const perBatch = 500;
  const timeIt = (step: (t: number) => void): { mean_us: number; p99_us: number } => {
    let t = m.timeMs;
    for (let i = 0; i < 5000; i++) step((t += 100)); // warm-up
    const samples: number[] = [];
    for (let b = 0; b < batches; b++) {
      const start = performance.now();
      for (let i = 0; i < perBatch; i++) step((t += 100));
      samples.push(((performance.now() - start) * 1000) / perBatch);
    }
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    return { mean_us: +mean.toFixed(2), p99_us: +percentile(samples, 99).toFixed(2) };
  };
  let out = evaluateProtection(protection, m, ctx, loop.protectionConfig, m.timeMs);
  const protectionCost = timeIt((t) => {
    out = evaluateProtection(protection, m, ctx, loop.protectionConfig, t);
  });
  const contactorCost = timeIt((t) => {
    stepContactors(contactors, { requests: [], protection: out, m }, loop.contactorConfig, t);
  });
  const balancingCost = timeIt((t) => {
    stepBalancing(balancing, m, { current_A: 0 }, loop.balancingConfig, t);
  });
  return {
    cells: m.cellVoltage_mV.length,
    protection: protectionCost,
    contactors: contactorCost,
    balancing: balancingCost,
    goal_us: 20,
  };
}

/**
 * Over-current injections: the PCS (its limit raised to 400 A) ramps to ~320 A discharge, dischargeOverCurrent
 * level 3 (300 A, 500 ms debounce, open at once) trips. Per injection: time from the IVT current frame the tripping
 * cycle evaluated (the value that completed the debounce) to the first contactor frame that opens.
 */
function reactionAt(cycle_ms: number, injections: number) {
  // Limit 800 A: level 2 (200 A) derates it to 400 A, so the PCS can still overshoot to the level-3 value.
  const loop = new BcuLoop({ cycle_ms, currentLimit_A: 800 });
  const currentFrames: { timeMs: number; current_A: number }[] = [];
  loop.bus.tap((frame) => {
    if (frame.id !== IVT_RESULT_BASE) return;
    const result = decodeIvtResult(frame);
    if (result.kind === "ivtResult") currentFrames.push({ timeMs: frame.timestampMs, current_A: result.value / 1000 });
  });
  const spec = loop.protectionConfig.table[ALARM_INDEX.dischargeOverCurrent].level3!;
  // The newest current frame the BCU had taken in when its cycle first reported level 3.
  const atTrip: { frame?: { timeMs: number; current_A: number } } = {};
  let wasTripped = false;
  loop.afterCycle.push(() => {
    if (loop.prot.forceZero && !wasTripped) atTrip.frame = currentFrames.at(-1);
    wasTripped = loop.prot.forceZero;
  });
  const reactions: number[] = [];
  const decisionToFrame: number[] = [];
  loop.closeAndSettle();
  for (let i = 0; i < injections; i++) {
    // Vary the phase of the fault against frames and cycles.
    loop.runFor(1000 + ((i * 37) % 100));
    const from = loop.scheduler.nowMs();
    loop.sim.pcs.setManualPower_W(320 * 790);
    atTrip.frame = undefined;
    loop.runUntil(() => loop.prot.forceZero, 30_000);
    const trip = loop.events.find(
      (e) => e.source === "dischargeOverCurrent" && e.timeMs >= from && e.kind !== "alarmLatched" && e.level === 3,
    );
    const opening = loop.openingFrameAfter(from);
    // Set by the cycle hook while running (TypeScript cannot see that assignment).
    const frame = atTrip.frame as { timeMs: number; current_A: number } | undefined;
    if (trip && opening && frame && frame.current_A >= spec.threshold) {
      reactions.push(opening.timeMs - frame.timeMs);
      decisionToFrame.push(opening.timeMs - trip.timeMs);
    }
    // Clear the fault and start again.
    loop.sim.pcs.setManualPower_W(0);
    loop.runFor(6000);
    loop.resetFaults();
    loop.runFor(3000);
    loop.request("close");
    loop.runUntil(() => loop.contactors.state === "closed", 5000);
    currentFrames.length = 0;
  }
  reactions.sort((a, b) => a - b);
  return {
    cycle_ms,
    injections: reactions.length,
    frameToOpeningFrame_ms: {
      min: reactions[0],
      median: percentile(reactions, 50),
      p99: percentile(reactions, 99),
      max: reactions.at(-1),
    },
    tripCycleToOpeningFrame_ms_max: Math.max(...decisionToFrame),
  };
}

export function benchFaultReaction() {
  return [reactionAt(100, 100), reactionAt(10, 100)];
}

/** Rack at rest near full with a 60 mV spread; balancing on. Returns the simulated days to <= 10 mV. */
export function balancingConvergence(report: (line: string) => void = () => {}) {
  const loop = new BcuLoop({
    bmuCount: 3,
    balance: true,
    sim: {
      initialSoc: 0.985,
      seed: 1,
      spread: { capacity: 0.01, resistance: 0.05, initialSoc: 0.0062, selfDischarge: 0.5 },
      physicsStep_ms: 1000,
    },
  });
  loop.runFor(5000);
  const spread = () => loop.m.cellVoltageMax!.value - loop.m.cellVoltageMin!.value;
  const initial = spread();
  const start = loop.scheduler.nowMs();
  const hour = 3_600_000;
  let hours = 0;
  while (spread() > 10 && hours < 24 * 30) {
    loop.runFor(hour);
    hours++;
    if (hours % 6 === 0)
      report(`${(hours / 24).toFixed(2)} d: spread ${spread()} mV, bleeding ${countBits(loop.balancingMasks)} cells`);
  }
  const days = (loop.scheduler.nowMs() - start) / (24 * hour);
  return {
    cells: loop.m.cellVoltage_mV.length,
    initialSpread_mV: initial,
    finalSpread_mV: spread(),
    days: +days.toFixed(2),
  };
}

function countBits(masks: Uint32Array): number {
  let n = 0;
  for (const mask of masks) for (let v = mask; v !== 0; v &= v - 1) n++;
  return n;
}

if (process.argv[1]?.endsWith("protection.ts") && process.argv.includes("--balancing")) {
  console.log(JSON.stringify(balancingConvergence((line) => console.log(line))));
}
