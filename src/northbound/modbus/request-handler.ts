import type { Snapshot } from "../../bcu/snapshot.ts";
import type { PointDefinition } from "../../points/point.ts";
import type { MapImage } from "./map-image.ts";
import type { RegisterMapEntry } from "./map-types.ts";
import { EXCEPTION, FC, LIMITS, MAX_PDU_BYTES, MEI_READ_DEVICE_ID, exceptionPdu } from "./protocol.ts";
import type { ExceptionCode, ModbusTable } from "./protocol.ts";
import { decodeEntry } from "./value-codec.ts";

/** One accepted write to a point: the value is in the point's unit, checked against its range. */
export interface PointWriteRequest {
  readonly point: PointDefinition;
  readonly entry: RegisterMapEntry;
  readonly value: number;
}

/** Objects 0..6 of Read Device Identification (VendorName ... UserApplicationName). */
export interface DeviceIdentity {
  readonly vendorName: string;
  readonly productCode: string;
  readonly revision: string;
  readonly vendorUrl: string;
  readonly productName: string;
  readonly modelName: string;
  readonly applicationName: string;
}

export interface RequestHandlerOptions {
  readonly latest: () => Snapshot | null;
  readonly identity: DeviceIdentity;
  /** Why `client` may not write now (writes disabled, not on the allow-list), or null when it may. */
  readonly writeRefusal: (client: string) => string | null;
  /** Applies accepted writes, all of one request at once. Throwing answers exception 04. */
  readonly applyWrites: (writes: readonly PointWriteRequest[], client: string) => void;
}

class ModbusException extends Error {
  constructor(readonly code: ExceptionCode) {
    super(`exception ${code}`);
  }
}

const READ_TABLE: Readonly<Record<number, { table: ModbusTable; limit: number }>> = {
  [FC.readCoils]: { table: "coil", limit: LIMITS.readBits },
  [FC.readDiscreteInputs]: { table: "discreteInput", limit: LIMITS.readBits },
  [FC.readHoldingRegisters]: { table: "holdingRegister", limit: LIMITS.readRegisters },
  [FC.readInputRegisters]: { table: "inputRegister", limit: LIMITS.readRegisters },
};

/**
 * Answers one request PDU with one response PDU, from the active map and the latest snapshot. The checks follow
 * the standard's order for every function: function code (01), then quantities, byte counts and values (03),
 * then addresses (02), then execution (04). Writes are checked whole before any is applied.
 */
export class ModbusRequestHandler {
  /** Last value written per point id (read-back of commands and PCS-reported values). */
  private readonly written = new Map<string, number>();

  constructor(
    private image: MapImage,
    private readonly options: RequestHandlerOptions,
  ) {}

  get map(): MapImage {
    return this.image;
  }

  /** Serves `image` from the next request on; connections stay open. */
  useMap(image: MapImage): void {
    this.image = image;
  }

  handle(pdu: Buffer, client: string): Buffer {
    const functionCode = pdu[0];
    try {
      return this.dispatch(functionCode, pdu, client);
    } catch (error) {
      const code = error instanceof ModbusException ? error.code : EXCEPTION.serverDeviceFailure;
      return exceptionPdu(functionCode, code);
    }
  }

  private dispatch(functionCode: number, pdu: Buffer, client: string): Buffer {
    const read = READ_TABLE[functionCode];
    if (read) return this.read(pdu, read.table, read.limit);
    switch (functionCode) {
      case FC.writeSingleCoil:
        return this.writeSingleCoil(pdu, client);
      case FC.writeSingleRegister:
        return this.writeSingleRegister(pdu, client);
      case FC.writeMultipleCoils:
        return this.writeMultipleCoils(pdu, client);
      case FC.writeMultipleRegisters:
        return this.writeMultipleRegisters(pdu, client);
      case FC.encapsulatedInterface:
        return this.deviceIdentification(pdu);
      default:
        throw new ModbusException(EXCEPTION.illegalFunction);
    }
  }

  private read(pdu: Buffer, table: ModbusTable, limit: number): Buffer {
    if (pdu.length !== 5) throw new ModbusException(EXCEPTION.illegalDataValue);
    const address = pdu.readUInt16BE(1);
    const count = pdu.readUInt16BE(3);
    if (count < 1 || count > limit) throw new ModbusException(EXCEPTION.illegalDataValue);
    if (!this.image.isMapped(table, address, count)) throw new ModbusException(EXCEPTION.illegalDataAddress);
    this.image.refresh(this.options.latest(), this.written);
    const values = this.image.words(table, address, count);
    if (table === "coil" || table === "discreteInput") {
      const bytes = (count + 7) >> 3;
      const response = Buffer.alloc(2 + bytes);
      response[0] = pdu[0];
      response[1] = bytes;
      for (let i = 0; i < count; i++) if (values[i]) response[2 + (i >> 3)] |= 1 << (i & 7);
      return response;
    }
    const response = Buffer.allocUnsafe(2 + 2 * count);
    response[0] = pdu[0];
    response[1] = 2 * count;
    for (let i = 0; i < count; i++) response.writeUInt16BE(values[i], 2 + 2 * i);
    return response;
  }

  private writeSingleCoil(pdu: Buffer, client: string): Buffer {
    this.checkWriteAllowed(client);
    if (pdu.length !== 5) throw new ModbusException(EXCEPTION.illegalDataValue);
    const raw = pdu.readUInt16BE(3);
    if (raw !== 0x0000 && raw !== 0xff00) throw new ModbusException(EXCEPTION.illegalDataValue);
    this.applyBits(pdu.readUInt16BE(1), [raw === 0xff00 ? 1 : 0], client);
    return Buffer.from(pdu);
  }

  private writeMultipleCoils(pdu: Buffer, client: string): Buffer {
    this.checkWriteAllowed(client);
    if (pdu.length < 6) throw new ModbusException(EXCEPTION.illegalDataValue);
    const count = pdu.readUInt16BE(3);
    const bytes = pdu[5];
    if (count < 1 || count > LIMITS.writeBits || bytes !== (count + 7) >> 3 || pdu.length !== 6 + bytes) {
      throw new ModbusException(EXCEPTION.illegalDataValue);
    }
    const bits = Array.from({ length: count }, (_, i) => (pdu[6 + (i >> 3)] >> (i & 7)) & 1);
    this.applyBits(pdu.readUInt16BE(1), bits, client);
    return pdu.subarray(0, 5);
  }

  private writeSingleRegister(pdu: Buffer, client: string): Buffer {
    this.checkWriteAllowed(client);
    if (pdu.length !== 5) throw new ModbusException(EXCEPTION.illegalDataValue);
    this.applyRegisters(pdu.readUInt16BE(1), [pdu.readUInt16BE(3)], client);
    return Buffer.from(pdu);
  }

  private writeMultipleRegisters(pdu: Buffer, client: string): Buffer {
    this.checkWriteAllowed(client);
    if (pdu.length < 6) throw new ModbusException(EXCEPTION.illegalDataValue);
    const count = pdu.readUInt16BE(3);
    const bytes = pdu[5];
    if (count < 1 || count > LIMITS.writeRegisters || bytes !== 2 * count || pdu.length !== 6 + bytes) {
      throw new ModbusException(EXCEPTION.illegalDataValue);
    }
    const words = Array.from({ length: count }, (_, i) => pdu.readUInt16BE(6 + 2 * i));
    this.applyRegisters(pdu.readUInt16BE(1), words, client);
    return pdu.subarray(0, 5);
  }

  private checkWriteAllowed(client: string): void {
    if (this.options.writeRefusal(client) !== null) throw new ModbusException(EXCEPTION.illegalFunction);
  }

  private applyBits(address: number, bits: readonly number[], client: string): void {
    if (!this.image.isMapped("coil", address, bits.length)) throw new ModbusException(EXCEPTION.illegalDataAddress);
    const writes: PointWriteRequest[] = [];
    for (let i = 0; i < bits.length; i++) {
      const compiled = this.image.entryAt("coil", address + i)!;
      if (!compiled.writable || !compiled.point) throw new ModbusException(EXCEPTION.illegalDataAddress);
      writes.push({ point: compiled.point, entry: compiled.entry, value: bits[i] });
    }
    this.commit(writes, client);
  }

  private applyRegisters(address: number, words: readonly number[], client: string): void {
    const table = "holdingRegister";
    if (!this.image.isMapped(table, address, words.length)) throw new ModbusException(EXCEPTION.illegalDataAddress);
    const writes: PointWriteRequest[] = [];
    const end = address + words.length;
    for (let at = address; at < end;) {
      const compiled = this.image.entryAt(table, at)!;
      const { entry, point } = compiled;
      // A write must cover whole entries: half of a 32-bit value is not an address of its own.
      if (!compiled.writable || !point || entry.address !== at || at + compiled.size > end) {
        throw new ModbusException(EXCEPTION.illegalDataAddress);
      }
      const value = decodeEntry(
        entry,
        words.slice(at - address, at - address + compiled.size),
        0,
        this.image.map.wordOrder,
        point.alwaysKnown !== true,
      );
      if (typeof value !== "number" || !fitsPoint(point, value)) throw new ModbusException(EXCEPTION.illegalDataValue);
      writes.push({ point, entry, value });
      at += compiled.size;
    }
    this.commit(writes, client);
  }

  private commit(writes: readonly PointWriteRequest[], client: string): void {
    this.options.applyWrites(writes, client);
    for (const write of writes) this.written.set(write.point.id, write.value);
    this.image.invalidate();
  }

  private deviceIdentification(pdu: Buffer): Buffer {
    if (pdu.length < 2 || pdu[1] !== MEI_READ_DEVICE_ID) throw new ModbusException(EXCEPTION.illegalFunction);
    if (pdu.length !== 4) throw new ModbusException(EXCEPTION.illegalDataValue);
    const code = pdu[2];
    let objectId = pdu[3];
    if (code < 1 || code > 4) throw new ModbusException(EXCEPTION.illegalDataValue);
    const { identity } = this.options;
    const objects = [
      identity.vendorName,
      identity.productCode,
      identity.revision,
      identity.vendorUrl,
      identity.productName,
      identity.modelName,
      identity.applicationName,
    ];
    let ids: number[];
    if (code === 4) {
      if (objectId >= objects.length) throw new ModbusException(EXCEPTION.illegalDataAddress);
      ids = [objectId];
    } else {
      const last = code === 1 ? 2 : objects.length - 1;
      // A stream request for an object this category does not hold restarts at object 0.
      if (objectId > last) objectId = 0;
      ids = Array.from({ length: last - objectId + 1 }, (_, i) => objectId + i);
    }
    const header = [FC.encapsulatedInterface, MEI_READ_DEVICE_ID, code, 0x82, 0, 0, 0];
    const body: number[] = [];
    let count = 0;
    for (const id of ids) {
      const text = Buffer.from(objects[id], "latin1").subarray(0, 240);
      if (header.length + body.length + 2 + text.length > MAX_PDU_BYTES) {
        header[4] = 0xff;
        header[5] = id;
        break;
      }
      body.push(id, text.length, ...text);
      count++;
    }
    header[6] = count;
    return Buffer.from([...header, ...body]);
  }
}

/** A written value is acceptable when the point could take it: in range, whole for counts, a known enum. */
function fitsPoint(point: PointDefinition, value: number): boolean {
  if (!Number.isFinite(value) || value < point.min || value > point.max) return false;
  if (point.type === "float") return true;
  if (!Number.isInteger(value)) return false;
  return point.type !== "enum" || point.enumValues === undefined || Object.hasOwn(point.enumValues, value);
}
