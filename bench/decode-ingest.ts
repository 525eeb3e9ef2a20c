/**
 * Frames decoded and applied to the measurement model per second on one core (issue goal ≥ 500,000/s; a
 * saturated 500 kbit/s bus carries about 4,500/s). Uses the daemon's own receive path: RackFrameDecoder with
 * alive-counter checks, then the measurement model, on the default rack's frame mix.
 */
import { performance } from "node:perf_hooks";
import type { CanFrame } from "../src/can/frame.ts";
import { encodeRackMessage } from "../src/can/codecs/rack.ts";
import type { RackMessage } from "../src/can/codecs/messages.ts";
import { SimScheduler } from "../src/time/sim-scheduler.ts";
import { BcuPipeline } from "../src/daemon/pipeline.ts";
import { silentLogger } from "../src/daemon/log.ts";
import { defaultConfig } from "../src/config/defaults.ts";

const config = defaultConfig();
const { bmuCount, cellsPerBmu, temperatureSensorsPerBmu, firstBmuNode } = config.rack;

/** One second of the default rack's traffic: cells at 100 ms, status and temperatures at 1 s, IVT at 100 ms. */
function oneSecondOfFrames(secondIndex: number, t0: number): CanFrame[] {
  const frames: CanFrame[] = [];
  const push = (m: RackMessage, t: number) => frames.push({ ...encodeRackMessage(m), timestampMs: t });
  for (let tick = 0; tick < 10; tick++) {
    const t = t0 + tick * 100;
    for (let b = 0; b < bmuCount; b++) {
      const node = firstBmuNode + b;
      for (let g = 0; g * 3 < cellsPerBmu; g++) {
        push({ kind: "bmuCellVoltages", node, group: g, cellVoltages_mV: [3300 + g, 3301 + tick, 3299] }, t);
      }
      if (tick === 0) {
        push(
          {
            kind: "bmuStatus",
            node,
            aliveCounter: secondIndex % 256,
            balancingActive: false,
            afeFault: false,
            openWire: false,
            temperatureSensorFault: false,
            supplyLow: false,
            balancingOverTemperature: false,
            moduleVoltage_mV: 52800,
            boardTemperature_degC: 30,
            cellCount: cellsPerBmu,
            sensorCount: temperatureSensorsPerBmu,
            protocolVersion: 1,
          },
          t,
        );
        for (let g = 0; g * 6 < temperatureSensorsPerBmu; g++) {
          push({ kind: "bmuTemperatures", node, group: g, temperatures_degC: [25, 26, 27, 25, 26, 27] }, t);
        }
      }
    }
    for (const result of ["current", "voltage1", "voltage2"] as const) {
      push(
        {
          kind: "ivtResult",
          result,
          messageCounter: (secondIndex * 10 + tick) % 16,
          overCurrent: false,
          channelError: false,
          measurementError: false,
          systemError: false,
          value: 100_000,
        },
        t,
      );
    }
  }
  return frames;
}

/**
 * Frames are made as a bus delivers them: a fresh frame object per reception with its own timestamp, around
 * payloads whose alive counters advance as the senders' would (a pre-built array of 600 k frames measures the
 * memory system, not the decoder).
 */
export function benchDecodeIngest(): Record<string, number> {
  const seconds = 600;
  const template = oneSecondOfFrames(0, 0);
  const offsets = template.map((f) => f.timestampMs);
  const scheduler = new SimScheduler();
  const pipeline = new BcuPipeline({ config, scheduler, log: silentLogger, transport: null });
  const t0 = 1_700_000_000_000;
  const feed = (second: number): number => {
    for (let i = 0; i < template.length; i++) {
      const f = template[i];
      const d = f.data as Uint8Array;
      // Advance the alive counters the decoder checks: BMU status byte 0 per second, IVT low nibble per frame.
      if (f.id > 0x100 && f.id <= 0x120) d[0] = second & 0xff;
      else if (f.id >= 0x521 && f.id <= 0x523)
        d[1] = (d[1] & 0xf0) | ((second * 10 + Math.floor(offsets[i] / 100)) & 0x0f);
      pipeline.receive({ id: f.id, data: d, timestampMs: t0 + second * 1000 + offsets[i] });
    }
    return template.length;
  };
  for (let s = 0; s < 20; s++) feed(s);
  let frames = 0;
  const start = performance.now();
  for (let s = 20; s < seconds; s++) frames += feed(s);
  const elapsed_s = (performance.now() - start) / 1000;
  const errors = Object.values(pipeline.status().frameSources).reduce(
    (n, c) => n + Object.values(c.errors).reduce((a, b) => a + (b ?? 0), 0),
    0,
  );
  return {
    frames,
    elapsed_s: +elapsed_s.toFixed(3),
    framesPerSecond: Math.round(frames / elapsed_s),
    framesPerSimulatedSecond: template.length,
    frameErrors: errors,
  };
}
