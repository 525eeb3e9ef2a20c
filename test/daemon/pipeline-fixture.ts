import type { CanFrame } from "../../src/can/frame.ts";
import { encodeRackMessage } from "../../src/can/codecs/rack.ts";
import type { RackMessage } from "../../src/can/codecs/messages.ts";
import type { PipelineConfig } from "../../src/daemon/pipeline.ts";
import { defaultConfig } from "../../src/config/defaults.ts";

const defaults = defaultConfig();

/** A two-module rack (4 cells, 2 sensors each) small enough to check by hand; the rest is the embedded default. */
export const smallRackConfig: PipelineConfig = {
  ...defaults,
  rack: { ...defaults.rack, bmuCount: 2, firstBmuNode: 1, cellsPerBmu: 4, temperatureSensorsPerBmu: 2 },
  measurements: {
    cellVoltageTimeout_ms: 500,
    temperatureTimeout_ms: 3000,
    bmuStatusTimeout_ms: 3000,
    currentSensorTimeout_ms: 300,
    contactorFeedbackTimeout_ms: 500,
  },
  cycle: { period_ms: 100 },
};

export function frameOf(message: RackMessage, timestampMs: number): CanFrame {
  return { ...encodeRackMessage(message), timestampMs };
}

/** Frames of one 100 ms period of the small rack: cells of both BMUs and the IVT current/voltages. */
export function rackFrames(timestampMs: number, tick: number, cell_mV = 3300, current_mA = 20_000): CanFrame[] {
  const frames: CanFrame[] = [];
  for (const node of [1, 2]) {
    frames.push(
      frameOf(
        { kind: "bmuCellVoltages", node, group: 0, cellVoltages_mV: [cell_mV, cell_mV + node, cell_mV - node] },
        timestampMs,
      ),
    );
    frames.push(
      frameOf({ kind: "bmuCellVoltages", node, group: 1, cellVoltages_mV: [cell_mV, null, null] }, timestampMs),
    );
    if (tick % 10 === 0) {
      frames.push(
        frameOf(
          {
            kind: "bmuStatus",
            node,
            aliveCounter: (tick / 10) % 256,
            balancingActive: false,
            afeFault: false,
            openWire: false,
            temperatureSensorFault: false,
            supplyLow: false,
            balancingOverTemperature: false,
            moduleVoltage_mV: 4 * cell_mV,
            boardTemperature_degC: 30,
            cellCount: 4,
            sensorCount: 2,
            protocolVersion: 1,
          },
          timestampMs,
        ),
      );
      frames.push(
        frameOf(
          { kind: "bmuTemperatures", node, group: 0, temperatures_degC: [25, 24 + node, null, null, null, null] },
          timestampMs,
        ),
      );
    }
  }
  const ivt = (result: "current" | "voltage1" | "voltage2", value: number): CanFrame =>
    frameOf(
      {
        kind: "ivtResult",
        result,
        messageCounter: tick % 16,
        overCurrent: false,
        channelError: false,
        measurementError: false,
        systemError: false,
        value,
      },
      timestampMs,
    );
  frames.push(ivt("current", current_mA), ivt("voltage1", 8 * cell_mV), ivt("voltage2", 8 * cell_mV - 100));
  return frames;
}
