import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CandumpParseError, formatCandumpLine, parseCandumpLine } from "../../../src/can/transports/candump-log.ts";
import { parseAnyLine } from "../../../src/can/transports/candump-format.ts";
import { CanTransportError } from "../../../src/can/transport.ts";
import type { CanFrame } from "../../../src/can/frame.ts";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe("parseCandumpLine", () => {
  it("reads standard, extended, empty and dotted frames (golden lines)", () => {
    assert.deepEqual(parseCandumpLine("(1700000000.123456) can0 123#DEADBEEF"), {
      frame: { id: 0x123, extended: false, data: bytes(0xde, 0xad, 0xbe, 0xef), timestampMs: 1700000000123.456 },
      iface: "can0",
    });
    assert.deepEqual(parseCandumpLine("(1700000000.223456) vcan1 1ABCDEF0#0102"), {
      frame: { id: 0x1abcdef0, extended: true, data: bytes(1, 2), timestampMs: 1700000000223.456 },
      iface: "vcan1",
    });
    assert.deepEqual(parseCandumpLine("(0000000000.000001) can0 7FF#"), {
      frame: { id: 0x7ff, extended: false, data: bytes(), timestampMs: 0.001 },
      iface: "can0",
    });
    assert.deepEqual(
      parseCandumpLine("(1700000000.000000) can0 00000001#11.22.33").frame.data,
      bytes(0x11, 0x22, 0x33),
    );
    assert.deepEqual(parseCandumpLine("(1700000000.000000) can0 0a1#aabbccddeeff0011").frame.data.length, 8);
  });

  it("reads remote requests, direction flags, CRLF and surrounding blanks", () => {
    assert.deepEqual(parseCandumpLine("(1700000000.323456) can0 123#R"), {
      frame: { id: 0x123, extended: false, data: bytes(), timestampMs: 1700000000323.456 },
      iface: "can0",
      remoteDlc: 0,
    });
    assert.equal(parseCandumpLine("(1700000000.323456) can0 123#R5").remoteDlc, 5);
    assert.equal(parseCandumpLine("(1700000000.100000) can0 123#01 R").frame.data[0], 1);
    assert.equal(parseCandumpLine("(1700000000.100000) can0 123#01 T").frame.id, 0x123);
    assert.equal(parseCandumpLine("  (1700000000.100000)  can0   123#01\r").iface, "can0");
  });

  it("refuses malformed lines with the line number and the reason", () => {
    const cases: [string, RegExp][] = [
      ["", /expected a timestamp in parentheses/],
      ["can0 123#00", /expected a timestamp in parentheses/],
      ["(1700000000.123456 can0 123#00", /no closing parenthesis/],
      ["(1700000000) can0 123#00", /seconds with decimals/],
      ["(17000x0000.123456) can0 123#00", /seconds with decimals/],
      ["(1700000000.123456) can0", /interface name and a frame/],
      ["(1700000000.123456) can0 123#00 X", /unexpected text "X" after the frame/],
      ["(1700000000.123456) can0 12300", /expected a frame as ID#DATA/],
      ["(1700000000.123456) can0 123##1DEADBEEF", /CAN FD frames \(ID##…\) are not supported/],
      ["(1700000000.123456) can0 12G#00", /CAN id "12G" is not hexadecimal/],
      ["(1700000000.123456) can0 #00", /CAN id "" is not hexadecimal/],
      ["(1700000000.123456) can0 1234#00", /must have 3 hex digits \(11-bit\) or 8 \(29-bit\), not 4/],
      ["(1700000000.123456) can0 800#00", /out of range for an 11-bit id/],
      ["(1700000000.123456) can0 20000004#0000080000000000", /error-frame flag 0x20000000/],
      ["(1700000000.123456) can0 FFFFFFFF#00", /out of range for a 29-bit id/],
      ["(1700000000.123456) can0 123#DEADBEE", /odd number of hex digits/],
      ["(1700000000.123456) can0 123#DEADBEEG", /data "DEADBEEG" is not hexadecimal/],
      ["(1700000000.123456) can0 123#001122334455667788", /9 data bytes; classical CAN carries at most 8/],
      ["(1700000000.123456) can0 123#0011223344556677_9", /DLC above 8/],
      ["(1700000000.123456) can0 123#R9", /remote frame DLC "9" must be one digit 0..8/],
    ];
    for (const [line, reason] of cases) {
      assert.throws(
        () => parseCandumpLine(line, 42),
        (error: unknown) => {
          assert.ok(error instanceof CandumpParseError, `${line}: ${String(error)}`);
          assert.ok(error instanceof CanTransportError);
          assert.equal(error.lineNumber, 42);
          assert.match(error.message, /^candump line 42: /);
          assert.match(error.message, reason, line);
          return true;
        },
      );
    }
    assert.throws(() => parseCandumpLine("garbage"), /^CandumpParseError: candump line: expected a timestamp/);
  });
});

describe("formatCandumpLine", () => {
  it("writes exactly what candump -l writes (golden lines)", () => {
    const at = 1700000000123.456;
    assert.equal(
      formatCandumpLine({ id: 0x123, data: bytes(0xde, 0xad, 0xbe, 0xef), timestampMs: at }, "can0"),
      "(1700000000.123456) can0 123#DEADBEEF",
    );
    assert.equal(
      formatCandumpLine({ id: 0x1abcdef0, extended: true, data: bytes(1, 2), timestampMs: at }, "can1"),
      "(1700000000.123456) can1 1ABCDEF0#0102",
    );
    assert.equal(
      formatCandumpLine({ id: 0x5, extended: true, data: bytes(), timestampMs: 5 }, "vcan0"),
      "(0000000000.005000) vcan0 00000005#",
    );
    assert.equal(
      formatCandumpLine({ id: 0x22, data: bytes(), timestampMs: at }, "can0", 0),
      "(1700000000.123456) can0 022#R",
    );
    assert.equal(
      formatCandumpLine({ id: 0x22, data: bytes(), timestampMs: at }, "can0", 8),
      "(1700000000.123456) can0 022#R8",
    );
  });

  it("rounds a fractional timestamp to whole microseconds, carrying into the seconds", () => {
    const frame = (timestampMs: number): CanFrame => ({ id: 1, data: bytes(), timestampMs });
    // Sub-µs parts as sums: a double near 1.7e12 ms only holds ~0.24 µs steps.
    assert.equal(formatCandumpLine(frame(1700000000123 + 0.4564), "can0"), "(1700000000.123456) can0 001#");
    assert.equal(formatCandumpLine(frame(1700000000123 + 0.4566), "can0"), "(1700000000.123457) can0 001#");
    assert.equal(formatCandumpLine(frame(1700000000999 + 0.9996), "can0"), "(1700000001.000000) can0 001#");
    assert.equal(formatCandumpLine(frame(1700000000000), "can0"), "(1700000000.000000) can0 001#");
  });

  it("refuses what a log cannot hold", () => {
    assert.throws(() => formatCandumpLine({ id: 0x800, data: bytes(), timestampMs: 0 }, "can0"), /out of range/);
    assert.throws(() => formatCandumpLine({ id: 1, data: bytes(), timestampMs: -1 }, "can0"), /timestamp must be/);
    assert.throws(
      () => formatCandumpLine({ id: 1, data: bytes(), timestampMs: Number.NaN }, "can0"),
      CanTransportError,
    );
    assert.throws(() => formatCandumpLine({ id: 1, data: bytes(), timestampMs: 0 }, "can 0"), /one word/);
    assert.throws(() => formatCandumpLine({ id: 1, data: bytes(), timestampMs: 0 }, "can0", 9), /DLC must be 0..8/);
  });

  it("round-trips format → parse → format byte-exact for random frames", () => {
    let state = 12345;
    const random = (limit: number): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return Math.floor((state / 2147483648) * limit);
    };
    for (let i = 0; i < 20_000; i++) {
      const extended = random(2) === 1;
      const frame: CanFrame = {
        id: random(extended ? 0x2000_0000 : 0x800),
        extended,
        data: Uint8Array.from({ length: random(9) }, () => random(256)),
        // Whole µs over plausible dates (up to 2096; µs stay exact in a double until 2255).
        timestampMs: (random(4_000_000_000) * 1_000_000 + random(1_000_000)) / 1000,
      };
      const line = formatCandumpLine(frame, "can0");
      const parsed = parseCandumpLine(line, i + 1);
      assert.deepEqual(parsed.frame, frame, line);
      // The fast path and the general parser agree, also with the variants can-utils writes.
      assert.deepEqual(parseAnyLine(line), parsed);
      const variant = `${line}${["", " R", " T", "\r", " R\r"][i % 5]}`;
      assert.deepEqual(parseCandumpLine(variant), parseAnyLine(variant), variant);
      assert.equal(formatCandumpLine(parsed.frame, parsed.iface), line);
    }
  });
});
