import { CanTransportError } from "../transport.ts";

// Error classes and controller status bits of Linux error frames (include/uapi/linux/can/error.h).
const CAN_ERR_TX_TIMEOUT = 0x001;
const CAN_ERR_LOSTARB = 0x002;
const CAN_ERR_CRTL = 0x004;
const CAN_ERR_PROT = 0x008;
const CAN_ERR_TRX = 0x010;
const CAN_ERR_ACK = 0x020;
const CAN_ERR_BUSOFF = 0x040;
const CAN_ERR_BUSERROR = 0x080;
const CAN_ERR_RESTARTED = 0x100;

const CONTROLLER_STATUS: readonly [number, string][] = [
  [0x01, "receive buffer overflow (frames lost)"],
  [0x02, "transmit buffer overflow"],
  [0x04, "error warning on receive (REC > 96)"],
  [0x08, "error warning on transmit (TEC > 96)"],
  [0x10, "error passive on receive (REC > 127)"],
  [0x20, "error passive on transmit (TEC > 127)"],
  [0x40, "back to error active"],
];

/**
 * A CAN controller error reported by the kernel as an error frame. `busOff` means the controller has stopped
 * taking part in the bus until it is restarted.
 */
export class CanBusError extends CanTransportError {
  constructor(
    message: string,
    /** The error class bits of the error frame's id (CAN_ERR_*). */
    readonly errorClass: number,
    readonly busOff: boolean,
    /** The error frame's 8 data bytes (details per class). */
    readonly details: Uint8Array,
  ) {
    super(message);
    this.name = "CanBusError";
  }
}

/** Turns a SocketCAN error frame (class bits in the id, details in the data) into a message a technician can act on. */
export function describeErrorFrame(transportName: string, errorClass: number, data: Uint8Array): CanBusError {
  const problems: string[] = [];
  if (errorClass & CAN_ERR_BUSOFF) {
    problems.push(
      "bus-off: the controller stopped after too many transmit errors; check wiring, termination (120 Ω at both " +
        "ends) and bitrate (500 kbit/s), then restart the interface (ip link set DEV type can restart-ms 100)",
    );
  }
  if (errorClass & CAN_ERR_ACK) {
    problems.push("no acknowledgement: no other node received a frame (is the bus connected, powered, same bitrate?)");
  }
  if (errorClass & CAN_ERR_CRTL) {
    const status = CONTROLLER_STATUS.filter(([bit]) => (data[1] ?? 0) & bit).map(([, text]) => text);
    problems.push(`controller: ${status.length > 0 ? status.join(", ") : "unspecified problem"}`);
  }
  if (errorClass & CAN_ERR_PROT) {
    problems.push(`protocol violation (type 0x${hex(data[2])}, location 0x${hex(data[3])}): noise or wrong bitrate`);
  }
  if (errorClass & CAN_ERR_TRX)
    problems.push(`transceiver problem (status 0x${hex(data[4])}): check CAN_H/CAN_L wiring`);
  if (errorClass & CAN_ERR_TX_TIMEOUT) problems.push("transmit timeout");
  if (errorClass & CAN_ERR_LOSTARB) problems.push(`lost arbitration at bit ${data[0] ?? 0}`);
  if (errorClass & CAN_ERR_BUSERROR) problems.push("bus error");
  if (errorClass & CAN_ERR_RESTARTED) problems.push("controller restarted after bus-off");
  if (problems.length === 0) problems.push(`error frame with class 0x${errorClass.toString(16)}`);
  const busOff = (errorClass & CAN_ERR_BUSOFF) !== 0;
  return new CanBusError(`${transportName}: ${problems.join("; ")}`, errorClass, busOff, Uint8Array.from(data));
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, "0");
}
