/**
 * Modbus TCP framing and the numbers of the standard (Modbus Application Protocol V1.1b3, Modbus Messaging on
 * TCP/IP V1.0b). An ADU is the 7-byte MBAP header (transaction id, protocol id 0, length = unit id + PDU, unit
 * id) followed by the PDU (function code + data, at most 253 bytes).
 */
export const MBAP_HEADER_BYTES = 7;
export const MAX_PDU_BYTES = 253;
/** Largest legal MBAP length field: the unit id plus the longest PDU. */
export const MAX_MBAP_LENGTH = MAX_PDU_BYTES + 1;
export const MAX_ADU_BYTES = MBAP_HEADER_BYTES + MAX_PDU_BYTES;

export const FC = {
  readCoils: 0x01,
  readDiscreteInputs: 0x02,
  readHoldingRegisters: 0x03,
  readInputRegisters: 0x04,
  writeSingleCoil: 0x05,
  writeSingleRegister: 0x06,
  writeMultipleCoils: 0x0f,
  writeMultipleRegisters: 0x10,
  encapsulatedInterface: 0x2b,
} as const;

/** MEI type of Read Device Identification inside function 43. */
export const MEI_READ_DEVICE_ID = 0x0e;

export const EXCEPTION = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  gatewayTargetFailedToRespond: 0x0b,
} as const;
export type ExceptionCode = (typeof EXCEPTION)[keyof typeof EXCEPTION];

/** Quantity limits per function (the standard's: they keep every response within 253 bytes). */
export const LIMITS = {
  readBits: 2000,
  readRegisters: 125,
  writeBits: 1968,
  writeRegisters: 123,
} as const;

/** The four data tables of the Modbus data model. */
export type ModbusTable = "coil" | "discreteInput" | "inputRegister" | "holdingRegister";
export const MODBUS_TABLES: readonly ModbusTable[] = ["coil", "discreteInput", "inputRegister", "holdingRegister"];

/** Bit tables hold one bit per address; register tables a 16-bit word. */
export function isBitTable(table: ModbusTable): boolean {
  return table === "coil" || table === "discreteInput";
}

export interface MbapHeader {
  readonly transactionId: number;
  readonly protocolId: number;
  /** Bytes that follow the length field: unit id + PDU. */
  readonly length: number;
  readonly unitId: number;
}

export function readMbapHeader(buffer: Buffer, offset = 0): MbapHeader {
  return {
    transactionId: buffer.readUInt16BE(offset),
    protocolId: buffer.readUInt16BE(offset + 2),
    length: buffer.readUInt16BE(offset + 4),
    unitId: buffer[offset + 6],
  };
}

/** A complete ADU: MBAP header for `pdu`. */
export function frameAdu(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const adu = Buffer.allocUnsafe(MBAP_HEADER_BYTES + pdu.length);
  adu.writeUInt16BE(transactionId & 0xffff, 0);
  adu.writeUInt16BE(0, 2);
  adu.writeUInt16BE(pdu.length + 1, 4);
  adu[6] = unitId & 0xff;
  pdu.copy(adu, MBAP_HEADER_BYTES);
  return adu;
}

export function exceptionPdu(functionCode: number, code: ExceptionCode): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, code]);
}
