/**
 * Random valid rack messages for the DBC cross-check and the fuzz test: every field drawn across its whole
 * range, invalid markers (null) included, values already at the wire's resolution so they round-trip exactly.
 */
import type { ContactorSet, ImdCommandCode, RackMessage } from "../../../src/can/codecs/messages.ts";
import { IMD_COMMAND } from "../../../src/can/codecs/messages.ts";
import { IMD_INFO_FLAGS } from "../../../src/can/codecs/imd.ts";
import { IVT_RESULT_NAMES } from "../../../src/can/codecs/ivt.ts";
import type { Prng } from "../../../src/util/prng.ts";

/** Integer in [min, max]. */
export function randomInt(prng: Prng, min: number, max: number): number {
  return min + Math.floor(prng.next() * (max - min + 1));
}

function coin(prng: Prng): boolean {
  return prng.next() < 0.5;
}

function contactorSet(prng: Prng): ContactorSet {
  return { mainPositive: coin(prng), mainNegative: coin(prng), precharge: coin(prng) };
}

/** One value in [min, max], or null (the invalid marker) one time in eight; extremes come often. */
function maybe(prng: Prng, min: number, max: number): number | null {
  const r = prng.next();
  if (r < 0.125) return null;
  if (r < 0.2) return min;
  if (r < 0.275) return max;
  return randomInt(prng, min, max);
}

export function randomRackMessage(prng: Prng): RackMessage {
  const node = randomInt(prng, 1, 32);
  switch (randomInt(prng, 0, 9)) {
    case 0:
      return {
        kind: "bmuStatus",
        node,
        aliveCounter: randomInt(prng, 0, 255),
        balancingActive: coin(prng),
        afeFault: coin(prng),
        openWire: coin(prng),
        temperatureSensorFault: coin(prng),
        supplyLow: coin(prng),
        balancingOverTemperature: coin(prng),
        moduleVoltage_mV: randomInt(prng, 0, 65535) * 10,
        boardTemperature_degC: randomInt(prng, -40, 215),
        cellCount: randomInt(prng, 0, 32),
        sensorCount: randomInt(prng, 0, 36),
        protocolVersion: 1,
      };
    case 1:
      return {
        kind: "bmuTemperatures",
        node,
        group: randomInt(prng, 0, 5),
        temperatures_degC: Array.from({ length: 6 }, () => maybe(prng, -40, 214)),
      };
    case 2: {
      const group = randomInt(prng, 0, 10);
      const cells = Array.from({ length: 3 }, () => maybe(prng, 0, 65534));
      if (group === 10) cells[2] = null; // cell 33 does not exist
      return { kind: "bmuCellVoltages", node, group, cellVoltages_mV: cells };
    }
    case 3:
      return {
        kind: "balancingCommand",
        node,
        mask: randomInt(prng, 0, 0xffffffff),
        timeout_s: randomInt(prng, 0, 255),
        aliveCounter: randomInt(prng, 0, 255),
      };
    case 4:
      return {
        kind: "contactorCommand",
        requestedClosed: contactorSet(prng),
        aliveCounter: randomInt(prng, 0, 255),
        breakerShuntTrip: coin(prng),
      };
    case 5:
      return {
        kind: "contactorFeedback",
        closed: contactorSet(prng),
        coilFault: contactorSet(prng),
        aliveCounter: randomInt(prng, 0, 255),
        breakerClosed: coin(prng),
        breakerTripped: coin(prng),
        hvilIntact: coin(prng),
        emergencyStop: coin(prng),
        fireAlarm: coin(prng),
        doorOpen: coin(prng),
      };
    case 7: {
      const codes = Object.values(IMD_COMMAND) as ImdCommandCode[];
      return {
        kind: "imdRequest",
        command: codes[randomInt(prng, 0, codes.length - 1)],
        dw1: randomInt(prng, 0, 0xffff),
        dw2: randomInt(prng, 0, 0xffff),
      };
    }
    case 8: {
      const r = randomInt(prng, 0, 3);
      if (r === 0) {
        return {
          kind: "imdResponse",
          response: "error",
          errorCode: randomInt(prng, 0, 0xffff),
          refusedCommand: randomInt(prng, 0, 255),
        };
      }
      if (r === 1) {
        return {
          kind: "imdResponse",
          response: "resistance",
          resistance_kOhm: randomInt(prng, 0, 0xffff),
          faultLocation: randomInt(prng, 0, 2) as 0 | 1 | 2,
          measurementCounter: randomInt(prng, 0, 255),
        };
      }
      if (r === 2) {
        return {
          kind: "imdResponse",
          response: "relay",
          relay: randomInt(prng, 0, 1),
          relayState: randomInt(prng, 0, 1),
        };
      }
      const acks = [0xca, 0xcb, 0x28, 0x29, 0x21, 0xd2] as const;
      return {
        kind: "imdResponse",
        response: "ack",
        command: acks[randomInt(prng, 0, acks.length - 1)],
        dw1: randomInt(prng, 0, 0xffff),
        dw2: randomInt(prng, 0, 0xffff),
      };
    }
    case 9: {
      const flags = Object.fromEntries(IMD_INFO_FLAGS.map((flag) => [flag, coin(prng)]));
      return {
        kind: "imdInfo",
        resistance_kOhm: randomInt(prng, 0, 0xffff),
        ...(flags as Record<(typeof IMD_INFO_FLAGS)[number], boolean>),
      };
    }
    default: {
      const extreme = prng.next();
      const value =
        extreme < 0.05 ? -0x80000000 : extreme < 0.1 ? 0x7fffffff : randomInt(prng, -0x80000000, 0x7fffffff);
      return {
        kind: "ivtResult",
        result: IVT_RESULT_NAMES[randomInt(prng, 0, 7)],
        messageCounter: randomInt(prng, 0, 15),
        overCurrent: coin(prng),
        channelError: coin(prng),
        measurementError: coin(prng),
        systemError: coin(prng),
        value,
      };
    }
  }
}
