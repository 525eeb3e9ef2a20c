/**
 * Packed arrays of the trend tables, little-endian whatever the host:
 * - pack values: float32 per point, NaN = unknown (stale, invalid, not estimated);
 * - cell voltages: uint16 mV per cell, 0xFFFF = invalid or stale (as on the BMU's CAN frame);
 * - temperatures: int16 in 0.1 °C per sensor, 0x7FFF = invalid or stale.
 */
export const INVALID_CELL_VOLTAGE = 0xffff;
export const INVALID_TEMPERATURE = 0x7fff;

export function encodeFloat32(values: ArrayLike<number | null>): Buffer {
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out.writeFloatLE(v === null || !Number.isFinite(v) ? NaN : v, i * 4);
  }
  return out;
}

/** Reads element `index` of a float32 array; null for NaN or past the end. */
export function float32At(blob: Uint8Array, index: number): number | null {
  if ((index + 1) * 4 > blob.byteLength) return null;
  const v = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).readFloatLE(index * 4);
  return Number.isNaN(v) ? null : v;
}

export function decodeFloat32(blob: Uint8Array): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i * 4 < blob.byteLength; i++) out.push(float32At(blob, i));
  return out;
}

/** Cell voltages (mV, NaN or `valid[i] = 0` for unknown) as uint16 mV. */
export function encodeCellVoltages(voltage_mV: ArrayLike<number>, valid: ArrayLike<number>): Buffer {
  const out = Buffer.allocUnsafe(voltage_mV.length * 2);
  for (let i = 0; i < voltage_mV.length; i++) {
    const v = voltage_mV[i];
    const ok = valid[i] === 1 && Number.isFinite(v) && v >= 0 && v < INVALID_CELL_VOLTAGE;
    out.writeUInt16LE(ok ? Math.round(v) : INVALID_CELL_VOLTAGE, i * 2);
  }
  return out;
}

export function cellVoltageAt_mV(blob: Uint8Array, index: number): number | null {
  if ((index + 1) * 2 > blob.byteLength) return null;
  const v = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).readUInt16LE(index * 2);
  return v === INVALID_CELL_VOLTAGE ? null : v;
}

/** Temperatures (°C) as int16 0.1 °C. */
export function encodeTemperatures(temperature_degC: ArrayLike<number>, valid: ArrayLike<number>): Buffer {
  const out = Buffer.allocUnsafe(temperature_degC.length * 2);
  for (let i = 0; i < temperature_degC.length; i++) {
    const t = Math.round(temperature_degC[i] * 10);
    const ok = valid[i] === 1 && Number.isFinite(t) && t > -32768 && t < INVALID_TEMPERATURE;
    out.writeInt16LE(ok ? t : INVALID_TEMPERATURE, i * 2);
  }
  return out;
}

export function temperatureAt_degC(blob: Uint8Array, index: number): number | null {
  if ((index + 1) * 2 > blob.byteLength) return null;
  const t = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).readInt16LE(index * 2);
  return t === INVALID_TEMPERATURE ? null : t / 10;
}
