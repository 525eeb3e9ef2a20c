import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BcuCommand, CommandResult } from "../../../src/bcu/commands.ts";
import type { RackMeasurements } from "../../../src/bcu/rack-measurements.ts";
import type { AlarmView, Snapshot } from "../../../src/bcu/snapshot.ts";
import { ALARM_IDS } from "../../../src/bcu/protection/alarm-ids.ts";
import { defaultConfig } from "../../../src/config/defaults.ts";
import type { BcuConfig } from "../../../src/config/sections.ts";
import type { ModbusConfig } from "../../../src/config/sections/modbus.ts";
import { silentLogger } from "../../../src/daemon/log.ts";
import { startModbusServer, type RunningModbusServer } from "../../../src/northbound/modbus/start.ts";

/** A 15 x 16 rack in a known state: every published section filled with values that are easy to check. */
export function rackSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  const measurements: RackMeasurements = {
    timeMs: 123_456,
    cellVoltage_mV: new Float64Array(240).fill(3300),
    cellVoltageValid: new Uint8Array(240).fill(1),
    validCellCount: 240,
    cellVoltageMin: { value: 3281, index: 37 }, // module 3, cell 6
    cellVoltageMax: { value: 3342, index: 200 }, // module 13, cell 9
    cellVoltageAverage_mV: 3305,
    cellVoltageSum_V: 793.2,
    temperature_degC: new Float64Array(120).fill(25),
    temperatureValid: new Uint8Array(120).fill(1),
    validTemperatureCount: 120,
    temperatureMin: { value: 18.5, index: 9 }, // module 2, sensor 2
    temperatureMax: { value: 41.2, index: 100 }, // module 13, sensor 5
    temperatureAverage_degC: 27.3,
    current_A: -123.4,
    currentTimeMs: 123_400,
    packVoltage_V: 792.6,
    linkVoltage_V: 791.9,
    currentSensorTemperature_degC: 30,
    currentSensorOk: true,
    contactorFeedback: null,
    bmus: [],
    staleNodes: [],
  };
  const alarms: AlarmView[] = ALARM_IDS.map((alarm) => ({
    id: alarm.id,
    level: alarm.id === "cellOverVoltage" ? 2 : alarm.id === "chargeOverTemperature" ? 3 : 0,
    latched: alarm.id === "chargeOverTemperature",
    value: null,
    threshold: null,
    unit: alarm.unit,
    sinceMs: null,
  }));
  return {
    sequence: 4242,
    timeMs: 123_456,
    topology: { bmuCount: 15, firstBmuNode: 1, cellsPerBmu: 16, temperatureSensorsPerBmu: 8 },
    state: "running",
    measurements,
    estimation: {
      valid: true,
      packSoc_pct: 56.7,
      cellSocMin_pct: 55,
      cellSocMax_pct: 58,
      soh_pct: 97.5,
      capacity_Ah: 273,
      remainingEnergy_kWh: 121.9,
      fullEnergy_kWh: 209.7,
    },
    limits: {
      chargeCurrentMax_A: 140,
      dischargeCurrentMax_A: 280.5,
      chargePowerMax_kW: 110.9,
      dischargePowerMax_kW: 222.3,
      chargeCurrent10s_A: 200,
      dischargeCurrent10s_A: 300,
      chargeCurrent60s_A: 160,
      dischargeCurrent60s_A: 290,
      maxChargeVoltage_V: 864,
      minDischargeVoltage_V: 672,
      stopRequested: true,
    },
    alarms,
    maxAlarmLevel: 3,
    contactors: {
      state: "closed",
      commanded: { mainPositive: true, mainNegative: true, precharge: false },
      feedback: { mainPositive: true, mainNegative: true, precharge: false },
      breakerTripRequested: false,
      lastRefusal: "",
      operations: 77,
    },
    balancing: { activeCells: 5, masks: [] },
    insulation: null,
    events: [],
    commandResults: [],
    ...overrides,
  };
}

/** A stand-in for the pipeline that records the commands: the real one needs a CAN rack behind it. */
export class RecordingSource {
  snapshot: Snapshot | null = rackSnapshot();
  readonly commands: Omit<BcuCommand, "id">[] = [];
  latest(): Snapshot | null {
    return this.snapshot;
  }
  submit(command: Omit<BcuCommand, "id">): Promise<CommandResult> {
    this.commands.push(command);
    return Promise.resolve({ id: this.commands.length, kind: command.kind, accepted: true, reason: "", timeMs: 0 });
  }
}

export interface TestServer {
  readonly server: RunningModbusServer;
  readonly source: RecordingSource;
  readonly config: BcuConfig;
}

/** The real server on 127.0.0.1, ephemeral port, the default config with `modbus` overrides. */
export async function startTestServer(
  modbus: Partial<ModbusConfig> = {},
  source = new RecordingSource(),
): Promise<TestServer> {
  const base = defaultConfig();
  const dataDir = mkdtempSync(join(tmpdir(), "bcu-modbus-"));
  const config: BcuConfig = {
    ...base,
    daemon: { ...base.daemon, dataDir },
    modbus: { ...base.modbus, host: "127.0.0.1", ...modbus },
  };
  const server = await startModbusServer({ config, source, log: silentLogger, port: 0, watchInterval_ms: 0 });
  return { server, source, config };
}
