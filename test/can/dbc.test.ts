/**
 * The DBC against our codecs, decoded by an independent implementation: Debian's canmatrix (python3-canmatrix),
 * run through test/can/canmatrix_decode.py with /usr/bin/python3.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RackMessage } from "../../src/can/codecs/messages.ts";
import { decodeRackFrame, encodeRackMessage } from "../../src/can/codecs/rack.ts";
import { crc8J1850 } from "../../src/can/codecs/crc8.ts";
import { IMD_INFO_BITS } from "../../src/can/codecs/imd.ts";
import { Prng } from "../../src/util/prng.ts";
import { generateDbc } from "../../scripts/gen-dbc.ts";
import { randomRackMessage } from "./codecs/random-messages.ts";

const DBC_PATH = fileURLToPath(new URL("../../src/can/dbc/bcu.dbc", import.meta.url));
const DECODER_PATH = fileURLToPath(new URL("./canmatrix_decode.py", import.meta.url));
/** Debian's interpreter: the `python3` on PATH may be another build without canmatrix. */
const PYTHON = "/usr/bin/python3";
const FRAMES = 4000;

/** Signal name → physical value in the DBC's unit, `null` where the raw value must be the invalid marker. */
type Expected = Record<string, number | null>;

const b = (flag: boolean): number => (flag ? 1 : 0);

const IVT_VALUE: Record<string, [string, number]> = {
  current: ["Current", 1],
  voltage1: ["Voltage1", 1],
  voltage2: ["Voltage2", 1],
  voltage3: ["Voltage3", 1],
  temperature: ["Temperature", 0.1],
  power: ["Power", 1],
  chargeCounter: ["ChargeCounter", 1],
  energyCounter: ["EnergyCounter", 1],
};

/** DBC signal names of DW1 and DW2 in each IMD request (the protocol table's words; null: the word is unused). */
function imdRequestSignals(command: number, dw1: number, dw2: number): Expected {
  const words: Record<number, [string | null, string | null]> = {
    0xca: ["LockMode", "LockPassword"],
    0xcb: ["MeasurementMode", null],
    0x28: ["ErrorThreshold", null],
    0x29: ["WarningThreshold", null],
    0x21: ["SelfTestScope", null],
    0x35: [null, null],
    0xd2: ["SetRelay", "SetRelayState"],
    0xdd: ["GetRelay", null],
  };
  const [w1, w2] = words[command];
  const expected: Expected = { Command: command };
  if (w1 !== null) expected[w1] = dw1;
  if (w2 !== null) expected[w2] = dw2;
  return expected;
}

const IMD_ACK_SIGNALS: Record<number, [string, string]> = {
  0xca: ["LockModeEcho", "LockPasswordEcho"],
  0xcb: ["MeasurementModeEcho", "MeasurementEchoDw2"],
  0x28: ["ErrorThresholdEcho", "ErrorThresholdEchoDw2"],
  0x29: ["WarningThresholdEcho", "WarningThresholdEchoDw2"],
  0x21: ["SelfTestScopeEcho", "SelfTestEchoDw2"],
  0xd2: ["SetRelayEcho", "SetRelayStateEcho"],
};

/** What the DBC must say about a frame, written from our decoded message and the protocol table. */
function expectedSignals(msg: RackMessage): Expected {
  switch (msg.kind) {
    case "bmuStatus":
      return {
        AliveCounter: msg.aliveCounter,
        BalancingActive: b(msg.balancingActive),
        AfeFault: b(msg.afeFault),
        OpenWire: b(msg.openWire),
        TemperatureSensorFault: b(msg.temperatureSensorFault),
        SupplyLow: b(msg.supplyLow),
        BalancingOverTemperature: b(msg.balancingOverTemperature),
        ModuleVoltage: msg.moduleVoltage_mV / 1000,
        BoardTemperature: msg.boardTemperature_degC,
        CellCount: msg.cellCount,
        SensorCount: msg.sensorCount,
        ProtocolVersion: msg.protocolVersion,
      };
    case "bmuTemperatures": {
      const expected: Expected = { TemperatureGroup: msg.group };
      msg.temperatures_degC.forEach((t, i) => {
        expected[`Temperature${String(6 * msg.group + i + 1).padStart(2, "0")}`] = t;
      });
      return expected;
    }
    case "bmuCellVoltages": {
      const expected: Expected = { CellVoltageGroup: msg.group };
      msg.cellVoltages_mV.forEach((v, i) => {
        const cell = 3 * msg.group + i + 1;
        if (cell <= 32) expected[`CellVoltage${String(cell).padStart(2, "0")}`] = v;
      });
      return expected;
    }
    case "balancingCommand":
      return { BalancingMask: msg.mask, Timeout: msg.timeout_s, AliveCounter: msg.aliveCounter };
    case "contactorCommand":
      return {
        MainPositiveCloseRequest: b(msg.requestedClosed.mainPositive),
        MainNegativeCloseRequest: b(msg.requestedClosed.mainNegative),
        PrechargeCloseRequest: b(msg.requestedClosed.precharge),
        AliveCounter: msg.aliveCounter,
        BreakerShuntTripRequest: b(msg.breakerShuntTrip),
      };
    case "contactorFeedback":
      return {
        MainPositiveClosed: b(msg.closed.mainPositive),
        MainNegativeClosed: b(msg.closed.mainNegative),
        PrechargeClosed: b(msg.closed.precharge),
        MainPositiveCoilFault: b(msg.coilFault.mainPositive),
        MainNegativeCoilFault: b(msg.coilFault.mainNegative),
        PrechargeCoilFault: b(msg.coilFault.precharge),
        AliveCounter: msg.aliveCounter,
        BreakerClosed: b(msg.breakerClosed),
        BreakerTripped: b(msg.breakerTripped),
        HvilIntact: b(msg.hvilIntact),
        EmergencyStop: b(msg.emergencyStop),
        FireAlarm: b(msg.fireAlarm),
        DoorOpen: b(msg.doorOpen),
      };
    case "imdRequest":
      return imdRequestSignals(msg.command, msg.dw1, msg.dw2);
    case "imdResponse":
      switch (msg.response) {
        case "error":
          return { Command: 0xff, ErrorCode: msg.errorCode, RefusedCommand: msg.refusedCommand };
        case "resistance":
          return {
            Command: 0x35,
            Resistance: msg.resistance_kOhm,
            FaultLocation: msg.faultLocation,
            MeasurementCounter: msg.measurementCounter,
          };
        case "relay":
          return { Command: 0xdd, Relay: msg.relay, RelayState: msg.relayState };
        case "ack": {
          const [dw1, dw2] = IMD_ACK_SIGNALS[msg.command];
          return { Command: msg.command, [dw1]: msg.dw1, [dw2]: msg.dw2 };
        }
      }
      break;
    case "imdInfo": {
      const expected: Expected = { InsulationResistance: msg.resistance_kOhm };
      for (const flag of Object.keys(IMD_INFO_BITS) as (keyof typeof IMD_INFO_BITS)[]) {
        expected[flag[0].toUpperCase() + flag.slice(1)] = b(msg[flag]);
      }
      return expected;
    }
    case "ivtResult": {
      const [name, factor] = IVT_VALUE[msg.result];
      return {
        ResultId: Object.keys(IVT_VALUE).indexOf(msg.result),
        MessageCounter: msg.messageCounter,
        OverCurrent: b(msg.overCurrent),
        ChannelError: b(msg.channelError),
        MeasurementError: b(msg.measurementError),
        SystemError: b(msg.systemError),
        [name]: msg.value * factor,
      };
    }
  }
}

/** Raw invalid marker of a BMU temperature or cell-voltage signal, undefined for signals without one. */
function invalidMarker(signal: string): number | undefined {
  if (/^Temperature\d\d$/.test(signal)) return 0xff;
  if (/^CellVoltage\d\d$/.test(signal)) return 0xffff;
  return undefined;
}

function hex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");
}

test("the committed DBC equals the generator's output (npx tsx scripts/gen-dbc.ts > src/can/dbc/bcu.dbc)", () => {
  const committed = readFileSync(DBC_PATH, "latin1").split("\n");
  const generated = generateDbc().split("\n");
  // Line by line, so a failure shows the first stale line rather than two 8000-line strings.
  for (let i = 0; i < Math.max(committed.length, generated.length); i++) {
    assert.equal(
      committed[i],
      generated[i],
      `bcu.dbc line ${i + 1} is stale: regenerate it with the command in the title`,
    );
  }
  assert.match(generateDbc(), /^[\t\n -~]*$/, "DBC readers default to latin-1: ASCII only");
});

test(`canmatrix decodes ${FRAMES} random frames to the same physical values as our decoders`, () => {
  const prng = new Prng(0xdbc);
  const messages: RackMessage[] = [];
  const frames: [number, string][] = [];
  for (let i = 0; i < FRAMES; i++) {
    const msg = randomRackMessage(prng);
    const out = encodeRackMessage(msg);
    // Our own round trip first: what canmatrix is compared with is what we decode.
    assert.deepEqual(decodeRackFrame({ ...out, timestampMs: i }), msg);
    messages.push(msg);
    frames.push([out.id, hex(out.data)]);
  }

  const run = spawnSync(PYTHON, [DECODER_PATH], {
    input: JSON.stringify({ dbc: DBC_PATH, frames }),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error !== undefined || run.status !== 0) {
    assert.fail(
      `the canmatrix decoder could not run (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr ?? ""}\n` +
        "This test needs Debian's canmatrix: apt-get install python3-canmatrix",
    );
  }
  const decoded = JSON.parse(run.stdout) as (Record<string, [number, number]> | null)[];
  assert.equal(decoded.length, FRAMES);

  const kindsSeen = new Set<string>();
  let signalsCompared = 0;
  for (let i = 0; i < FRAMES; i++) {
    const msg = messages[i];
    const theirs = decoded[i];
    const where = `frame ${i} (id 0x${frames[i][0].toString(16)} ${frames[i][1]}, ${msg.kind})`;
    assert.notEqual(theirs, null, `${where}: id missing from the DBC`);
    if (theirs === null) continue;
    const expected = expectedSignals(msg);
    if (msg.kind === "contactorCommand" || msg.kind === "contactorFeedback") {
      const [crc] = theirs.Crc;
      assert.equal(crc, crc8J1850(Buffer.from(frames[i][1], "hex"), 7), `${where}: Crc`);
      delete theirs.Crc;
    }
    assert.deepEqual(Object.keys(theirs).sort(), Object.keys(expected).sort(), `${where}: signal set`);
    for (const [signal, value] of Object.entries(expected)) {
      const [raw, phys]: [number, number] = theirs[signal];
      if (value === null) {
        assert.equal(raw, invalidMarker(signal), `${where}: ${signal} should be the invalid marker`);
      } else {
        assert.ok(
          Math.abs(phys - value) <= 1e-6 * Math.max(1, Math.abs(value)),
          `${where}: ${signal} ${phys} != ${value}`,
        );
        assert.notEqual(raw, invalidMarker(signal), `${where}: ${signal} is a value, not the invalid marker`);
      }
      signalsCompared++;
    }
    kindsSeen.add(
      msg.kind === "ivtResult" ? `ivt:${msg.result}` : msg.kind === "imdResponse" ? `imd:${msg.response}` : msg.kind,
    );
  }
  // Every message kind, every IVT result and every kind of IMD response took part.
  assert.equal(kindsSeen.size, 6 + 8 + 2 + 4, [...kindsSeen].join(", "));
  assert.ok(signalsCompared > FRAMES * 5, `${signalsCompared} signals compared`);
});
