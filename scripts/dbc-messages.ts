/**
 * The rack's CAN messages as DBC rows, built from the codec constants: BMU v1 for nodes 1..32, the contactor
 * unit, the IVT-S results. Written out by scripts/gen-dbc.ts.
 */
import {
  BMU_BALANCING_CMD_BASE,
  BMU_BALANCING_CMD_PERIOD_MS,
  BMU_CELL_VOLTAGE_GROUP_MAX,
  BMU_CELL_VOLTAGES_BASE,
  BMU_CELL_VOLTAGES_PERIOD_MS,
  BMU_CELLS_MAX,
  BMU_CELLS_PER_GROUP,
  BMU_FRAME_DLC,
  BMU_SENSORS_MAX,
  BMU_STATUS_BASE,
  BMU_STATUS_PERIOD_MS,
  BMU_TEMPERATURE_GROUP_MAX,
  BMU_TEMPERATURES_BASE,
  BMU_TEMPERATURES_PER_GROUP,
  BMU_TEMPERATURES_PERIOD_MS,
} from "../src/can/codecs/bmu.ts";
import {
  CONTACTOR_CMD_ID,
  CONTACTOR_CMD_PERIOD_MS,
  CONTACTOR_FB_ID,
  CONTACTOR_FB_PERIOD_MS,
  CONTACTOR_FRAME_DLC,
} from "../src/can/codecs/contactor.ts";
import {
  IVT_FAST_RESULT_PERIOD_MAX_MS,
  IVT_FRAME_DLC,
  IVT_RESULT_BASE,
  IVT_RESULT_NAMES,
  IVT_SLOW_RESULT_PERIOD_MS,
} from "../src/can/codecs/ivt.ts";
import { BMU_NODE_MAX, BMU_NODE_MIN, IMD_COMMAND, IMD_ERROR_RESPONSE } from "../src/can/codecs/messages.ts";
import {
  IMD_INFO_BITS,
  IMD_INFO_DLC,
  IMD_INFO_ID,
  IMD_INFO_PERIOD_MS,
  IMD_REQUEST_DLC,
  IMD_REQUEST_ID,
  IMD_RESPONSE_DLC,
  IMD_RESPONSE_ID,
} from "../src/can/codecs/imd.ts";

export interface DbcSignal {
  name: string;
  /** "M" for the multiplexer, a group number for a multiplexed signal. */
  mux?: "M" | number;
  startBit: number;
  length: number;
  bigEndian?: boolean;
  signed?: boolean;
  factor?: number;
  offset?: number;
  min: number;
  max: number;
  unit?: string;
  comment?: string;
  /** Raw value → description, e.g. the invalid marker. */
  values?: [number, string][];
}

export interface DbcMessage {
  id: number;
  name: string;
  dlc: number;
  sender: string;
  receiver: string;
  periodMs: number;
  comment: string;
  signals: DbcSignal[];
}

const flag = (name: string, startBit: number, comment: string): DbcSignal => ({
  name,
  startBit,
  length: 1,
  min: 0,
  max: 1,
  comment,
});
const u8 = (name: string, startBit: number, comment?: string): DbcSignal => ({
  name,
  startBit,
  length: 8,
  min: 0,
  max: 255,
  comment,
});
const pad2 = (n: number): string => String(n).padStart(2, "0");

function bmuMessages(node: number): DbcMessage[] {
  const bmu = `BMU${node}`;
  const temperatures: DbcSignal[] = [
    {
      name: "TemperatureGroup",
      mux: "M",
      startBit: 0,
      length: 8,
      min: 0,
      max: BMU_TEMPERATURE_GROUP_MAX,
      comment: "g: sensors 6g+1..6g+6",
    },
  ];
  for (let sensor = 1; sensor <= BMU_SENSORS_MAX; sensor++) {
    const slot = (sensor - 1) % BMU_TEMPERATURES_PER_GROUP;
    temperatures.push({
      name: `Temperature${pad2(sensor)}`,
      mux: Math.floor((sensor - 1) / BMU_TEMPERATURES_PER_GROUP),
      startBit: 8 + 8 * slot,
      length: 8,
      offset: -40,
      min: -40,
      max: 214,
      unit: "degC",
      comment: `Sensor ${sensor}; raw 255 (0xFF) = invalid or absent`,
      values: [[0xff, "Invalid"]],
    });
  }
  const cells: DbcSignal[] = [
    {
      name: "CellVoltageGroup",
      mux: "M",
      startBit: 0,
      length: 8,
      min: 0,
      max: BMU_CELL_VOLTAGE_GROUP_MAX,
      comment: "g: cells 3g+1..3g+3; the third slot of group 10 (cell 33) is reserved",
    },
  ];
  for (let cell = 1; cell <= BMU_CELLS_MAX; cell++) {
    const slot = (cell - 1) % BMU_CELLS_PER_GROUP;
    cells.push({
      name: `CellVoltage${pad2(cell)}`,
      mux: Math.floor((cell - 1) / BMU_CELLS_PER_GROUP),
      startBit: 8 + 16 * slot,
      length: 16,
      min: 0,
      max: 65534,
      unit: "mV",
      comment: `Cell ${cell}; raw 65535 (0xFFFF) = invalid or absent`,
      values: [[0xffff, "Invalid"]],
    });
  }
  return [
    {
      id: BMU_STATUS_BASE + node,
      name: `${bmu}_Status`,
      dlc: BMU_FRAME_DLC,
      sender: bmu,
      receiver: "BCU",
      periodMs: BMU_STATUS_PERIOD_MS,
      comment: `BMU node ${node} status, BMU protocol v1`,
      signals: [
        u8("AliveCounter", 0, "+1 mod 256 per frame"),
        flag("BalancingActive", 8, "Passive balancing active"),
        flag("AfeFault", 9, "Analog front end fault"),
        flag("OpenWire", 10, "Open cell sense wire"),
        flag("TemperatureSensorFault", 11, "Temperature sensor fault"),
        flag("SupplyLow", 12, "BMU supply low"),
        flag("BalancingOverTemperature", 13, "Balancing stopped for over-temperature"),
        { name: "ModuleVoltage", startBit: 16, length: 16, factor: 0.01, min: 0, max: 655.35, unit: "V" },
        { name: "BoardTemperature", startBit: 32, length: 8, offset: -40, min: -40, max: 215, unit: "degC" },
        { name: "CellCount", startBit: 40, length: 8, min: 0, max: BMU_CELLS_MAX },
        { name: "SensorCount", startBit: 48, length: 8, min: 0, max: BMU_SENSORS_MAX },
        u8("ProtocolVersion", 56, "1 for this layout"),
      ],
    },
    {
      id: BMU_TEMPERATURES_BASE + node,
      name: `${bmu}_Temperatures`,
      dlc: BMU_FRAME_DLC,
      sender: bmu,
      receiver: "BCU",
      periodMs: BMU_TEMPERATURES_PERIOD_MS,
      comment: `BMU node ${node} temperatures, multiplexed by group; byte 7 reserved`,
      signals: temperatures,
    },
    {
      id: BMU_CELL_VOLTAGES_BASE + node,
      name: `${bmu}_CellVoltages`,
      dlc: BMU_FRAME_DLC,
      sender: bmu,
      receiver: "BCU",
      periodMs: BMU_CELL_VOLTAGES_PERIOD_MS,
      comment: `BMU node ${node} cell voltages, multiplexed by group; byte 7 reserved`,
      signals: cells,
    },
    {
      id: BMU_BALANCING_CMD_BASE + node,
      name: `BCU_BalancingCmd_${bmu}`,
      dlc: BMU_FRAME_DLC,
      sender: "BCU",
      receiver: bmu,
      periodMs: BMU_BALANCING_CMD_PERIOD_MS,
      comment: `Balancing command to BMU node ${node}; bytes 6-7 reserved`,
      signals: [
        {
          name: "BalancingMask",
          startBit: 0,
          length: 32,
          min: 0,
          max: 4294967295,
          comment: "Bit i set = cell i+1 bleeds",
        },
        {
          name: "Timeout",
          startBit: 32,
          length: 8,
          min: 0,
          max: 255,
          unit: "s",
          comment: "The BMU stops balancing when no fresh command arrives within it",
        },
        u8("AliveCounter", 40, "+1 mod 256 per frame"),
      ],
    },
  ];
}

function contactorMessages(): DbcMessage[] {
  const crc: DbcSignal = u8("Crc", 56, "CRC-8 SAE J1850 (poly 0x1D, init 0xFF, xor-out 0xFF) over bytes 0-6");
  return [
    {
      id: CONTACTOR_CMD_ID,
      name: "BCU_ContactorCmd",
      dlc: CONTACTOR_FRAME_DLC,
      sender: "BCU",
      receiver: "HVU",
      periodMs: CONTACTOR_CMD_PERIOD_MS,
      comment: "Contactor command; the unit opens everything when no valid command arrives for 500 ms",
      signals: [
        flag("MainPositiveCloseRequest", 0, "Request main+ closed"),
        flag("MainNegativeCloseRequest", 1, "Request main- closed"),
        flag("PrechargeCloseRequest", 2, "Request precharge closed"),
        u8("AliveCounter", 8, "+1 mod 256 per frame"),
        flag("BreakerShuntTripRequest", 16, "Energise the DC breaker's shunt-trip coil"),
        crc,
      ],
    },
    {
      id: CONTACTOR_FB_ID,
      name: "HVU_ContactorFb",
      dlc: CONTACTOR_FRAME_DLC,
      sender: "HVU",
      receiver: "BCU",
      periodMs: CONTACTOR_FB_PERIOD_MS,
      comment: "Contactor unit feedback: auxiliary contacts, coil faults, cabinet inputs",
      signals: [
        flag("MainPositiveClosed", 0, "Auxiliary contact of main+ closed"),
        flag("MainNegativeClosed", 1, "Auxiliary contact of main- closed"),
        flag("PrechargeClosed", 2, "Auxiliary contact of precharge closed"),
        flag("MainPositiveCoilFault", 3, "Coil fault main+"),
        flag("MainNegativeCoilFault", 4, "Coil fault main-"),
        flag("PrechargeCoilFault", 5, "Coil fault precharge"),
        u8("AliveCounter", 8, "+1 mod 256 per frame"),
        flag("BreakerClosed", 16, "DC breaker closed (auxiliary contact)"),
        flag("BreakerTripped", 17, "DC breaker tripped (alarm contact)"),
        flag("HvilIntact", 18, "HV interlock loop intact"),
        flag("EmergencyStop", 19, "Emergency stop pressed"),
        flag("FireAlarm", 20, "Fire alarm"),
        flag("DoorOpen", 21, "Cabinet door open"),
        crc,
      ],
    },
  ];
}

/** Physical value signal of each IVT-S result: name, unit and factor of the raw i32. */
const IVT_VALUE_SIGNAL: Record<string, [string, string, number]> = {
  current: ["Current", "mA", 1],
  voltage1: ["Voltage1", "mV", 1],
  voltage2: ["Voltage2", "mV", 1],
  voltage3: ["Voltage3", "mV", 1],
  temperature: ["Temperature", "degC", 0.1],
  power: ["Power", "W", 1],
  chargeCounter: ["ChargeCounter", "As", 1],
  energyCounter: ["EnergyCounter", "Wh", 1],
};

function ivtMessages(): DbcMessage[] {
  return IVT_RESULT_NAMES.map((result, resultId) => {
    const [name, unit, factor] = IVT_VALUE_SIGNAL[result];
    // Motorola start bits are the MSB's position: byte b, bit k -> 8b + k.
    const motorolaFlag = (flagName: string, bit: number, comment: string): DbcSignal => ({
      ...flag(flagName, 8 + bit, comment),
      bigEndian: true,
    });
    return {
      id: IVT_RESULT_BASE + resultId,
      name: `IVT_Result_${name}`,
      dlc: IVT_FRAME_DLC,
      sender: "IVT",
      receiver: "BCU",
      periodMs: resultId <= 2 ? IVT_FAST_RESULT_PERIOD_MAX_MS : IVT_SLOW_RESULT_PERIOD_MS,
      comment: `IVT-S result ${resultId} (${name}); current and power positive = discharge`,
      signals: [
        { name: "ResultId", startBit: 7, length: 8, bigEndian: true, min: 0, max: 255, comment: `Always ${resultId}` },
        {
          name: "MessageCounter",
          startBit: 11,
          length: 4,
          bigEndian: true,
          min: 0,
          max: 15,
          comment: "+1 mod 16 per frame",
        },
        motorolaFlag("OverCurrent", 4, "Over-current detection (OCS)"),
        motorolaFlag("ChannelError", 5, "Channel error"),
        motorolaFlag("MeasurementError", 6, "Measurement error"),
        motorolaFlag("SystemError", 7, "System error"),
        {
          name,
          startBit: 23,
          length: 32,
          bigEndian: true,
          signed: true,
          factor,
          min: -2147483648 * factor,
          max: 2147483647 * factor,
          unit,
        },
      ],
    };
  });
}

const u16 = (name: string, startBit: number, comment: string, unit?: string): DbcSignal => ({
  name,
  startBit,
  length: 16,
  min: 0,
  max: 65535,
  unit,
  comment,
});

/** Multiplexed by the command byte: one group of signals per command, named after what the words mean. */
function imdMessages(): DbcMessage[] {
  const c = IMD_COMMAND;
  const commandValues: [number, string][] = Object.entries(c).map(([name, code]) => [code, name]);
  const requestMux: DbcSignal = {
    name: "Command",
    mux: "M",
    startBit: 0,
    length: 8,
    min: 0,
    max: 255,
    comment: "iso165C command",
    values: commandValues,
  };
  const responseMux: DbcSignal = {
    ...requestMux,
    comment: "The command answered, or 0xFF for an error",
    values: [...commandValues, [IMD_ERROR_RESPONSE, "error"]],
  };
  const muxed = (signal: DbcSignal, group: number): DbcSignal => ({ ...signal, mux: group });
  const info: DbcSignal[] = [
    u16("InsulationResistance", 0, "R_iso, a value only when bits 18, 32 and 40 are 0", "kOhm"),
  ];
  const infoComments: Record<keyof typeof IMD_INFO_BITS, [string, string]> = {
    insulationFault: ["InsulationFault", "R_iso below the error threshold"],
    groundFault: ["GroundFault", "Ground (chassis) fault"],
    systemFailure: ["SystemFailure", "Device failure: R_iso is no value"],
    calibrationRunning: ["CalibrationRunning", "Calibration running"],
    selfTestRunning: ["SelfTestRunning", "Self-test running"],
    insulationWarning: ["InsulationWarning", "R_iso below the warning threshold"],
    measurementDeactivated: ["MeasurementDeactivated", "0 = measuring; 1: R_iso is no value"],
    imcConnectionError: ["ImcConnectionError", "IMC connection error"],
    imcAliveError: ["ImcAliveError", "IMC alive error"],
    commandError: ["CommandError", "Command error"],
    resistanceOutdated: ["ResistanceOutdated", "R_iso outdated: no value"],
    overallSelfTestNotRun: ["OverallSelfTestNotRun", "Overall self-test not yet run (0 = run)"],
    parameterSelfTestNotRun: ["ParameterSelfTestNotRun", "Parameter self-test not yet run"],
  };
  for (const [field, n] of Object.entries(IMD_INFO_BITS) as [keyof typeof IMD_INFO_BITS, number][]) {
    const [name, comment] = infoComments[field];
    info.push(flag(name, n, comment));
  }
  return [
    {
      id: IMD_REQUEST_ID,
      name: "IMD_Request",
      dlc: IMD_REQUEST_DLC,
      sender: "BCU",
      receiver: "IMD",
      periodMs: 0,
      comment: "Bender iso165C request (on demand); bytes 5-7 zero",
      signals: [
        requestMux,
        muxed(u16("LockMode", 8, "0 unlock, 1 lock"), c.lock),
        muxed(u16("LockPassword", 24, "Password"), c.lock),
        muxed(u16("MeasurementMode", 8, "1 on, 0 off"), c.measurement),
        muxed(u16("ErrorThreshold", 8, "30..1000 kOhm", "kOhm"), c.errorThreshold),
        muxed(u16("WarningThreshold", 8, "40..2000 kOhm", "kOhm"), c.warningThreshold),
        muxed(u16("SelfTestScope", 8, "1 overall"), c.selfTest),
        muxed(u16("SetRelay", 8, "0 HV-, 1 HV+"), c.setCouplingRelay),
        muxed(u16("SetRelayState", 24, "0 open, 1 closed"), c.setCouplingRelay),
        muxed(u16("GetRelay", 8, "0 HV-, 1 HV+"), c.getCouplingRelay),
      ],
    },
    {
      id: IMD_RESPONSE_ID,
      name: "IMD_Response",
      dlc: IMD_RESPONSE_DLC,
      sender: "IMD",
      receiver: "BCU",
      periodMs: 0,
      comment: "Bender iso165C response, one per request; other commands than 0x35 and 0xDD echo DW1 and DW2",
      signals: [
        responseMux,
        muxed(u16("ErrorCode", 8, "Why the command was refused"), IMD_ERROR_RESPONSE),
        muxed({ ...u8("RefusedCommand", 24, "The refused command") }, IMD_ERROR_RESPONSE),
        muxed(u16("LockModeEcho", 8, "0 unlock, 1 lock"), c.lock),
        muxed(u16("LockPasswordEcho", 24, "Password"), c.lock),
        muxed(u16("MeasurementModeEcho", 8, "1 on, 0 off"), c.measurement),
        muxed(u16("MeasurementEchoDw2", 24, "DW2 echoed"), c.measurement),
        muxed(u16("ErrorThresholdEcho", 8, "kOhm", "kOhm"), c.errorThreshold),
        muxed(u16("ErrorThresholdEchoDw2", 24, "DW2 echoed"), c.errorThreshold),
        muxed(u16("WarningThresholdEcho", 8, "kOhm", "kOhm"), c.warningThreshold),
        muxed(u16("WarningThresholdEchoDw2", 24, "DW2 echoed"), c.warningThreshold),
        muxed(u16("SelfTestScopeEcho", 8, "1 overall"), c.selfTest),
        muxed(u16("SelfTestEchoDw2", 24, "DW2 echoed"), c.selfTest),
        muxed(u16("Resistance", 8, "R_iso", "kOhm"), c.getResistance),
        muxed(
          {
            ...u8("FaultLocation", 24, "0 unknown, 1 towards HV-, 2 towards HV+"),
            max: 2,
            values: [
              [0, "unknown"],
              [1, "HV-"],
              [2, "HV+"],
            ],
          },
          c.getResistance,
        ),
        muxed(u8("MeasurementCounter", 32, "Measurement counter"), c.getResistance),
        muxed(u16("SetRelayEcho", 8, "0 HV-, 1 HV+"), c.setCouplingRelay),
        muxed(u16("SetRelayStateEcho", 24, "0 open, 1 closed"), c.setCouplingRelay),
        muxed(u16("Relay", 8, "0 HV-, 1 HV+"), c.getCouplingRelay),
        muxed(u16("RelayState", 24, "0 open, 1 closed"), c.getCouplingRelay),
      ],
    },
    {
      id: IMD_INFO_ID,
      name: "IMD_Info",
      dlc: IMD_INFO_DLC,
      sender: "IMD",
      receiver: "BCU",
      periodMs: IMD_INFO_PERIOD_MS,
      comment: "Bender iso165C cyclic info",
      signals: info,
    },
  ];
}

/** Every message of the rack, by id. */
export function rackDbcMessages(): DbcMessage[] {
  const messages: DbcMessage[] = [...contactorMessages(), ...imdMessages()];
  for (let node = BMU_NODE_MIN; node <= BMU_NODE_MAX; node++) messages.push(...bmuMessages(node));
  messages.push(...ivtMessages());
  return messages.sort((a, b) => a.id - b.id);
}
