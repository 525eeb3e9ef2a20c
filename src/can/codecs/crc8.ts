/**
 * CRC-8 SAE J1850 (poly 0x1D, init 0xFF, xor-out 0xFF, not reflected), as protected by the contactor unit's
 * frames (byte 7 over bytes 0–6). Check value for ASCII "123456789": 0x4B.
 */

const J1850_POLY = 0x1d;

const J1850_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ J1850_POLY) & 0xff : (crc << 1) & 0xff;
    table[i] = crc;
  }
  return table;
})();

/** CRC over `bytes[0 .. length)` (the whole array when `length` is omitted; clamped to the array length). */
export function crc8J1850(bytes: Uint8Array, length: number = bytes.length): number {
  const end = length < bytes.length ? length : bytes.length;
  let crc = 0xff;
  for (let i = 0; i < end; i++) crc = J1850_TABLE[crc ^ bytes[i]];
  return crc ^ 0xff;
}
