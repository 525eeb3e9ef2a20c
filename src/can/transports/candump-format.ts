import type { CanFrame } from "../frame.ts";
import { formatCanId } from "../frame.ts";
import { CanTransportError } from "../transport.ts";
import { CAN_CLASSIC_DATA_MAX, CAN_EXTENDED_ID_MAX, CAN_STANDARD_ID_MAX, assertValidFrame } from "./validate-frame.ts";

/**
 * can-utils' compact log format, as written by `candump -l` and read by `canplayer`/`log2asc`:
 *
 *     (1700000000.123456) can0 123#DEADBEEF
 *     (1700000000.223456) can0 1ABCDEF0#0102      29-bit id: always 8 hex digits
 *     (1700000000.323456) can0 123#R              remote request (`123#R5`: with DLC 5)
 *     (1700000000.423456) can0 7FF#               no data
 *
 * Seconds are zero-padded to 10 digits and always have 6 decimals. `candump -x` and `asc2log` may append a
 * direction flag (` R` received, ` T` transmitted), which is accepted and ignored. CAN FD (`ID##F…`) and error
 * frames (id with the 0x20000000 error flag) are refused: this BCU speaks classical CAN.
 */
export interface CandumpRecord {
  readonly frame: CanFrame;
  readonly iface: string;
  /** Present for a remote transmission request: its DLC (0..8). `frame.data` is then empty. */
  readonly remoteDlc?: number;
}

/** A candump line that cannot be read; the message names the line number (when known) and what is wrong. */
export class CandumpParseError extends CanTransportError {
  constructor(
    message: string,
    readonly lineNumber: number | undefined,
  ) {
    super(message);
    this.name = "CandumpParseError";
  }
}

const CAN_ERR_FLAG = 0x2000_0000;
const HEX_DIGITS = /^[0-9A-Fa-f]*$/;
const TIMESTAMP = /^(\d{1,12})\.(\d{1,9})$/;
const BYTE_TO_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).toUpperCase().padStart(2, "0"),
);

/** Parses one log line (without its newline). Throws `CandumpParseError` naming `lineNumber` and the problem. */
export function parseCandumpLine(line: string, lineNumber?: number): CandumpRecord {
  return parseCanonicalLine(line) ?? parseAnyLine(line, lineNumber);
}

/**
 * The general parser: every accepted variant (blanks, dots in data, direction flags, remote frames, other
 * precisions) and a precise reason for every refusal. `parseCandumpLine` only comes here for what the fast path
 * does not take; both give the same record for a line both accept.
 */
export function parseAnyLine(line: string, lineNumber?: number): CandumpRecord {
  const fail = (reason: string): CandumpParseError => {
    const where = lineNumber === undefined ? "candump line" : `candump line ${lineNumber}`;
    const excerpt = line.length > 100 ? `${line.slice(0, 100)}…` : line;
    return new CandumpParseError(`${where}: ${reason}: "${excerpt}"`, lineNumber);
  };
  const text = line.trim();
  if (!text.startsWith("(")) throw fail("expected a timestamp in parentheses such as (1700000000.123456) first");
  const close = text.indexOf(")");
  if (close < 0) throw fail("the timestamp has no closing parenthesis");
  const timestamp = TIMESTAMP.exec(text.slice(1, close));
  if (timestamp === null) throw fail("the timestamp must be seconds with decimals, e.g. (1700000000.123456)");
  const timestampMs = toMilliseconds(timestamp[1], timestamp[2]);

  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  if (fields.length < 2 || fields[0] === "") throw fail("expected an interface name and a frame after the timestamp");
  if (fields.length > 3 || (fields.length === 3 && fields[2] !== "R" && fields[2] !== "T")) {
    throw fail(`unexpected text "${fields.slice(2).join(" ")}" after the frame`);
  }
  const iface = fields[0];
  const frameText = fields[1];

  const hash = frameText.indexOf("#");
  if (hash < 0) throw fail("expected a frame as ID#DATA, e.g. 123#DEADBEEF");
  if (frameText[hash + 1] === "#") throw fail("CAN FD frames (ID##…) are not supported: this BCU speaks classical CAN");
  const idText = frameText.slice(0, hash);
  if (idText.length === 0 || !HEX_DIGITS.test(idText)) throw fail(`CAN id "${idText}" is not hexadecimal`);
  let extended: boolean;
  if (idText.length === 3) extended = false;
  else if (idText.length === 8) extended = true;
  else throw fail(`CAN id "${idText}" must have 3 hex digits (11-bit) or 8 (29-bit), not ${idText.length}`);
  const id = parseInt(idText, 16);
  if (extended && (id & CAN_ERR_FLAG) !== 0 && id <= 0x3fff_ffff) {
    throw fail(`id ${idText} carries the error-frame flag 0x20000000: controller error frames are not replayed`);
  }
  if (id > (extended ? CAN_EXTENDED_ID_MAX : CAN_STANDARD_ID_MAX)) {
    throw fail(`CAN id 0x${idText} is out of range for ${extended ? "a 29-bit" : "an 11-bit"} id`);
  }

  let dataText = frameText.slice(hash + 1);
  if (dataText.startsWith("R") || dataText.startsWith("r")) {
    const dlcText = dataText.slice(1);
    if (dlcText === "") return { frame: { id, extended, data: new Uint8Array(0), timestampMs }, iface, remoteDlc: 0 };
    if (!/^[0-8]$/.test(dlcText)) throw fail(`remote frame DLC "${dlcText}" must be one digit 0..8`);
    return { frame: { id, extended, data: new Uint8Array(0), timestampMs }, iface, remoteDlc: Number(dlcText) };
  }
  if (dataText.includes("_")) throw fail("a DLC above 8 (the _X suffix) is not supported");
  if (dataText.includes(".")) dataText = dataText.replaceAll(".", ""); // can-utils allows 11.22.33
  if (!HEX_DIGITS.test(dataText)) throw fail(`data "${dataText}" is not hexadecimal`);
  if (dataText.length % 2 !== 0) throw fail(`data "${dataText}" has an odd number of hex digits`);
  const length = dataText.length / 2;
  if (length > CAN_CLASSIC_DATA_MAX) {
    throw fail(`${length} data bytes; classical CAN carries at most ${CAN_CLASSIC_DATA_MAX}`);
  }
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = parseInt(dataText.slice(2 * i, 2 * i + 2), 16);
  return { frame: { id, extended, data, timestampMs }, iface };
}

/**
 * One log line, without newline, exactly as `candump -l` writes it: seconds with 6 decimals (the timestamp is
 * rounded to whole µs), upper-case hex. `remoteDlc` writes a remote request (`123#R`, `123#R5`).
 */
export function formatCandumpLine(frame: CanFrame, iface: string, remoteDlc?: number): string {
  assertValidFrame(frame, "candump log");
  if (iface.length === 0 || /\s/.test(iface)) {
    throw new CanTransportError(`candump log: interface name must be one word such as can0, got "${iface}"`);
  }
  const { timestampMs } = frame;
  if (!Number.isFinite(timestampMs) || timestampMs < 0) {
    throw new CanTransportError(`candump log: timestamp must be a finite number of ms >= 0, got ${timestampMs}`);
  }
  const totalUs = Math.round(timestampMs * 1000);
  const seconds = Math.floor(totalUs / 1_000_000);
  const micros = totalUs - seconds * 1_000_000;
  const time = `(${String(seconds).padStart(10, "0")}.${String(micros).padStart(6, "0")})`;
  const id = formatCanId(frame.id, frame.extended === true);
  if (remoteDlc !== undefined) {
    if (!Number.isInteger(remoteDlc) || remoteDlc < 0 || remoteDlc > 8) {
      throw new CanTransportError(`candump log: remote frame DLC must be 0..8, got ${remoteDlc}`);
    }
    return `${time} ${iface} ${id}#R${remoteDlc === 0 ? "" : remoteDlc}`;
  }
  let data = "";
  for (let i = 0; i < frame.data.length; i++) data += BYTE_TO_HEX[frame.data[i]];
  return `${time} ${iface} ${id}#${data}`;
}

/** Whole µs are converted with a single rounding, so formatting gives the same 6 decimals back. */
function toMilliseconds(secondsText: string, fractionText: string): number {
  if (fractionText.length <= 6) {
    return (Number(secondsText) * 1_000_000 + Number(fractionText.padEnd(6, "0"))) / 1000;
  }
  return Number(secondsText) * 1000 + Number(fractionText) / 10 ** (fractionText.length - 3);
}

/** True for a line with nothing but whitespace (skipped by the readers, as by canplayer). */
export function isBlankLine(line: string): boolean {
  if (line.length > 0 && line.charCodeAt(0) > 32) return false;
  return /^\s*$/.test(line);
}

let lastIface = "";

/**
 * Fast path for lines exactly as `candump -l` writes them, `(SSSSSSSSSS.UUUUUU) IFACE ID#DATA`, optionally with a
 * direction flag or a CR: one scan, no regular expression, no intermediate strings (the interface name is reused
 * from the previous line). Returns undefined for anything else, which then goes to `parseAnyLine`.
 */
function parseCanonicalLine(line: string): CandumpRecord | undefined {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  if (end > 2 && line.charCodeAt(end - 2) === 32) {
    const flag = line.charCodeAt(end - 1);
    if (flag === 82 || flag === 84) end -= 2; // " R" / " T"
  }
  if (end < 24 || line.charCodeAt(0) !== 40) return undefined;
  let i = 1;
  let seconds = 0;
  for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) seconds = seconds * 10 + (c - 48);
  if (i === 1 || i > 13 || line.charCodeAt(i) !== 46) return undefined;
  const fractionStart = ++i;
  let micros = 0;
  for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) micros = micros * 10 + (c - 48);
  if (i - fractionStart !== 6 || line.charCodeAt(i) !== 41 || line.charCodeAt(i + 1) !== 32) return undefined;
  i += 2;
  const ifaceStart = i;
  while (i < end && line.charCodeAt(i) > 32) i++;
  if (i === ifaceStart || i >= end || line.charCodeAt(i) !== 32) return undefined;
  const iface =
    lastIface.length === i - ifaceStart && line.startsWith(lastIface, ifaceStart)
      ? lastIface
      : (lastIface = line.slice(ifaceStart, i));
  const idStart = ++i;
  let id = 0;
  for (let digit = hexValue(line.charCodeAt(i)); digit >= 0; digit = hexValue(line.charCodeAt(++i))) {
    id = id * 16 + digit;
  }
  const idDigits = i - idStart;
  if (line.charCodeAt(i) !== 35) return undefined;
  let extended: boolean;
  if (idDigits === 3 && id <= CAN_STANDARD_ID_MAX) extended = false;
  else if (idDigits === 8 && id <= CAN_EXTENDED_ID_MAX) extended = true;
  else return undefined;
  const dataStart = ++i;
  const dataDigits = end - dataStart;
  if (dataDigits % 2 !== 0 || dataDigits > 2 * CAN_CLASSIC_DATA_MAX) return undefined;
  const data = new Uint8Array(dataDigits / 2);
  for (let k = 0; k < data.length; k++, i += 2) {
    const high = hexValue(line.charCodeAt(i));
    const low = hexValue(line.charCodeAt(i + 1));
    if (high < 0 || low < 0) return undefined;
    data[k] = high * 16 + low;
  }
  return { frame: { id, extended, data, timestampMs: (seconds * 1_000_000 + micros) / 1000 }, iface };
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}
