/**
 * All rack protocols behind one encode and one decode: the daemon's receive path and the simulator's send path.
 * `decodeRackFrame` is stateless and on the hot path (≥ 500 k frames/s on one core): it dispatches on
 * `id >>> 7` (0x022/0x023/0x037 → 0, 0x0A0/0x0A1 → 1, 0x101.. → 2, 0x181.. → 3, 0x201.. → 4, 0x301.. → 6, 0x521.. → 10) without
 * closures, regexes or copies. Alive-counter continuity is stateful and lives in `../rack-decoder.ts`.
 */
import type { CanFrame, OutgoingCanFrame } from "../frame.ts";
import type { FrameError, RackMessage } from "./messages.ts";
import { BMU_NODE_MAX } from "./messages.ts";
import {
  BMU_BALANCING_CMD_BASE,
  BMU_CELL_VOLTAGES_BASE,
  BMU_STATUS_BASE,
  BMU_TEMPERATURES_BASE,
  decodeBalancingCommand,
  decodeBmuCellVoltages,
  decodeBmuStatus,
  decodeBmuTemperatures,
  encodeBalancingCommand,
  encodeBmuCellVoltages,
  encodeBmuStatus,
  encodeBmuTemperatures,
} from "./bmu.ts";
import {
  CONTACTOR_CMD_ID,
  CONTACTOR_FB_ID,
  decodeContactorCommand,
  decodeContactorFeedback,
  encodeContactorCommand,
  encodeContactorFeedback,
} from "./contactor.ts";
import { decodeIvtResult, encodeIvtResult, IVT_RESULT_BASE, IVT_RESULT_LAST } from "./ivt.ts";
import { frameError, hexId, UNKNOWN_SOURCE } from "./frame-error.ts";
import {
  decodeImdInfo,
  decodeImdRequest,
  decodeImdResponse,
  encodeImdInfo,
  encodeImdRequest,
  encodeImdResponse,
  IMD_INFO_ID,
  IMD_REQUEST_ID,
  IMD_RESPONSE_ID,
} from "./imd.ts";

export function encodeRackMessage(msg: RackMessage): OutgoingCanFrame {
  switch (msg.kind) {
    case "bmuStatus":
      return encodeBmuStatus(msg);
    case "bmuTemperatures":
      return encodeBmuTemperatures(msg);
    case "bmuCellVoltages":
      return encodeBmuCellVoltages(msg);
    case "balancingCommand":
      return encodeBalancingCommand(msg);
    case "contactorCommand":
      return encodeContactorCommand(msg);
    case "contactorFeedback":
      return encodeContactorFeedback(msg);
    case "ivtResult":
      return encodeIvtResult(msg);
    case "imdRequest":
      return encodeImdRequest(msg);
    case "imdResponse":
      return encodeImdResponse(msg);
    case "imdInfo":
      return encodeImdInfo(msg);
    default: {
      const never: never = msg;
      throw new RangeError(`encodeRackMessage: unknown message kind ${String((never as { kind?: unknown }).kind)}`);
    }
  }
}

/**
 * Decodes one frame of any rack protocol. Returns a `FrameError` (never throws) for an unknown or extended id,
 * a wrong DLC, an out-of-range multiplexer, a CRC mismatch, an unsupported version or an impossible value.
 */
export function decodeRackFrame(frame: CanFrame): RackMessage | FrameError {
  const id = frame.id;
  if (frame.extended !== true) {
    switch (id >>> 7) {
      case 0:
        if (id === IMD_INFO_ID) return decodeImdInfo(frame);
        if (id === IMD_RESPONSE_ID) return decodeImdResponse(frame);
        if (id === IMD_REQUEST_ID) return decodeImdRequest(frame);
        break;
      case 1:
        if (id === CONTACTOR_FB_ID) return decodeContactorFeedback(frame);
        if (id === CONTACTOR_CMD_ID) return decodeContactorCommand(frame);
        break;
      case 2:
        if (id > BMU_STATUS_BASE && id <= BMU_STATUS_BASE + BMU_NODE_MAX) return decodeBmuStatus(frame);
        break;
      case 3:
        if (id > BMU_TEMPERATURES_BASE && id <= BMU_TEMPERATURES_BASE + BMU_NODE_MAX)
          return decodeBmuTemperatures(frame);
        break;
      case 4:
        if (id > BMU_CELL_VOLTAGES_BASE && id <= BMU_CELL_VOLTAGES_BASE + BMU_NODE_MAX)
          return decodeBmuCellVoltages(frame);
        break;
      case 6:
        if (id > BMU_BALANCING_CMD_BASE && id <= BMU_BALANCING_CMD_BASE + BMU_NODE_MAX)
          return decodeBalancingCommand(frame);
        break;
      case 10:
        if (id >= IVT_RESULT_BASE && id <= IVT_RESULT_LAST) return decodeIvtResult(frame);
        break;
    }
  }
  return unknownId(frame);
}

function unknownId(frame: CanFrame): FrameError {
  const id = frame.id;
  const shown = typeof id === "number" ? (frame.extended === true ? `extended ${hexId(id)}` : hexId(id)) : String(id);
  return frameError("unknownId", UNKNOWN_SOURCE, id, `${shown} is not a frame of this rack's protocols`);
}
