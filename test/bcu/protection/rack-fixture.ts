/**
 * A small rack (2 BMUs x 4 cells, 2 temperature sensors each) whose frames the tests set value by value. Each
 * `measure(t)` feeds the real measurement model (ingestMessage) with one frame of each kind at `t` and judges it
 * (assessMeasurements), so the protection sees exactly what it sees in the daemon.
 */
import type { ContactorFeedback, IvtResult } from "../../../src/can/codecs/messages.ts";
import { createMeasurementState, ingestMessage, type MeasurementState } from "../../../src/bcu/measurements.ts";
import {
  assessMeasurements,
  type MeasurementTimeouts,
  type RackMeasurements,
} from "../../../src/bcu/rack-measurements.ts";
import type { RackTopology } from "../../../src/bcu/rack-topology.ts";
import type { ContactorFaults } from "../../../src/bcu/contactors/contactor-faults.ts";

export const TOPOLOGY: RackTopology = { bmuCount: 2, firstBmuNode: 1, cellsPerBmu: 4, temperatureSensorsPerBmu: 2 };
export const CELLS = 8;
export const TIMEOUTS: MeasurementTimeouts = {
  cellVoltageTimeout_ms: 500,
  temperatureTimeout_ms: 3000,
  bmuStatusTimeout_ms: 3000,
  currentSensorTimeout_ms: 300,
  contactorFeedbackTimeout_ms: 500,
};

export class RackFixture {
  readonly state: MeasurementState = createMeasurementState(TOPOLOGY);
  cells_mV: (number | null)[] = new Array<number | null>(CELLS).fill(3300);
  temperatures_degC: (number | null)[] = new Array<number | null>(4).fill(25);
  current_A = 0;
  /** null: U1 = the sum of the cells. */
  packVoltage_mV: number | null = null;
  /** null: U2 = U1 (contactors closed, link at pack voltage). */
  linkVoltage_mV: number | null = null;
  /** Added to each BMU's reported module voltage (mV, multiple of 10). */
  moduleVoltageOffset_mV = [0, 0];
  /** BMUs (0-based) that send nothing. */
  silentBmus = new Set<number>();
  afeFault = [false, false];
  balancingOverTemperature = [false, false];
  ivtSilent = false;
  ivtError = false;
  feedback: ContactorFeedback | null = feedbackOf({ mainPositive: true, mainNegative: true, precharge: false });
  soc_pct: number | null = 50;
  contactorFaults: ContactorFaults = { feedbackMismatch_ms: 0, prechargeFailed: false, welded: false };

  cellSum_mV(): number {
    return this.cells_mV.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  }

  measure(t: number): RackMeasurements {
    const s = this.state;
    for (let b = 0; b < TOPOLOGY.bmuCount; b++) {
      if (this.silentBmus.has(b)) continue;
      const node = TOPOLOGY.firstBmuNode + b;
      const cells = this.cells_mV.slice(b * 4, b * 4 + 4).map((v) => (v === null ? null : Math.round(v)));
      const module_mV = cells.reduce<number>((sum, v) => sum + (v ?? 0), 0) + this.moduleVoltageOffset_mV[b];
      ingestMessage(
        s,
        {
          kind: "bmuStatus",
          node,
          aliveCounter: 0,
          balancingActive: false,
          afeFault: this.afeFault[b],
          openWire: false,
          temperatureSensorFault: false,
          supplyLow: false,
          balancingOverTemperature: this.balancingOverTemperature[b],
          moduleVoltage_mV: Math.round(module_mV / 10) * 10,
          boardTemperature_degC: 30,
          cellCount: 4,
          sensorCount: 2,
          protocolVersion: 1,
        },
        t,
      );
      ingestMessage(s, { kind: "bmuCellVoltages", node, group: 0, cellVoltages_mV: cells.slice(0, 3) }, t);
      ingestMessage(s, { kind: "bmuCellVoltages", node, group: 1, cellVoltages_mV: [cells[3], null, null] }, t);
      const temps = this.temperatures_degC.slice(b * 2, b * 2 + 2).map((v) => (v === null ? null : Math.round(v)));
      ingestMessage(
        s,
        { kind: "bmuTemperatures", node, group: 0, temperatures_degC: [...temps, null, null, null, null] },
        t,
      );
    }
    if (!this.ivtSilent) {
      const pack = this.packVoltage_mV ?? this.cellSum_mV();
      ingestMessage(s, ivt("current", Math.round(this.current_A * 1000), this.ivtError), t);
      ingestMessage(s, ivt("voltage1", Math.round(pack), false), t);
      ingestMessage(s, ivt("voltage2", Math.round(this.linkVoltage_mV ?? pack), false), t);
    }
    if (this.feedback !== null) ingestMessage(s, this.feedback, t);
    return assessMeasurements(s, TIMEOUTS, t);
  }
}

function ivt(result: IvtResult["result"], value: number, error: boolean): IvtResult {
  return {
    kind: "ivtResult",
    result,
    messageCounter: 0,
    overCurrent: false,
    channelError: error,
    measurementError: false,
    systemError: false,
    value,
  };
}

export function feedbackOf(closed: ContactorFeedback["closed"]): ContactorFeedback {
  return {
    kind: "contactorFeedback",
    closed,
    coilFault: { mainPositive: false, mainNegative: false, precharge: false },
    aliveCounter: 0,
    breakerClosed: true,
    breakerTripped: false,
    hvilIntact: true,
    emergencyStop: false,
    fireAlarm: false,
    doorOpen: false,
  };
}
