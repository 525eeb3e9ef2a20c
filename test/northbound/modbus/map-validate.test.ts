import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { formatMapIssue, validateRegisterMap } from "../../../src/northbound/modbus/map-validate.ts";
import type { RegisterMap, RegisterMapEntry } from "../../../src/northbound/modbus/map-types.ts";

const shipped = (name: string): RegisterMap =>
  JSON.parse(readFileSync(new URL(`../../../register-maps/${name}.json`, import.meta.url), "utf8")) as RegisterMap;

function issuesOf(entries: RegisterMapEntry[]): string[] {
  return validateRegisterMap({ name: "t", version: "1", unitIds: [1], entries }).map(formatMapIssue);
}

test("the shipped maps are valid", () => {
  assert.deepEqual(validateRegisterMap(shipped("default")), []);
  assert.deepEqual(validateRegisterMap(shipped("sunspec")), []);
});

test("each error names the entry and the reason", () => {
  assert.deepEqual(
    issuesOf([
      { point: "pack.voltage", table: "holdingRegister", address: 0, type: "u32" },
      { point: "pack.current", table: "holdingRegister", address: 1, type: "i16", scale: 0.1 },
      { point: "pack.nothing", table: "holdingRegister", address: 5, type: "u16" },
      { point: "pack.current", table: "holdingRegister", address: 6, type: "i16", scale: 0.01 },
      { point: "pack.current", table: "holdingRegister", address: 8, type: "u16", scale: 0.1, name: "current2" },
      { point: "pack.soc", table: "holdingRegister", address: 9, type: "u16", access: "rw" },
      { point: "command.pcsHeartbeat", table: "inputRegister", address: 0, type: "u16", access: "rw" },
    ]),
    [
      "entries[1] pack.current: holdingRegister 1 overlaps entries[0] pack.voltage (0..1)",
      'entries[2] pack.nothing: unknown point "pack.nothing" (see bcu map points)',
      'entries[3] pack.current: duplicate entry: entries[1] has the same name; give one a distinct "name"',
      "entries[3] pack.current: type i16 too small: pack.current spans -2000..2000 A, raw -200000..200000 at scale 0.01, offset 0; i16 holds -32767..32767",
      "entries[4] current2: type u16 too small: pack.current spans -2000..2000 A, raw -20000..20000 at scale 0.1, offset 0; u16 holds 0..65534",
      'entries[5] pack.soc: access "rw" but point pack.soc is read-only',
      'entries[6] command.pcsHeartbeat: access "rw": inputRegisters are read-only in Modbus; use a coil or holdingRegister',
    ],
  );
});

test("schema errors name the entry and the field", () => {
  const issues = validateRegisterMap({
    name: "t",
    version: "1",
    unitIds: [1],
    entries: [{ point: "pack.voltage", table: "holding", address: 0, type: "u16" }],
  });
  assert.equal(issues.length, 1);
  assert.match(formatMapIssue(issues[0]), /^entries\[0\] pack\.voltage: table: must be one of/);
});

test("a scale factor that disagrees with the scale is an error", () => {
  assert.deepEqual(
    issuesOf([
      { name: "W_SF", value: 1, table: "holdingRegister", address: 0, type: "i16" },
      { point: "pack.power", table: "holdingRegister", address: 1, type: "i16", scale: 0.1, sf: "W_SF", unit: "W" },
    ]),
    ["entries[1] pack.power: scale 0.1 disagrees with W_SF = 1 (10^1 W = 0.01 kW)"],
  );
});

test("SunSpec layout: SunS, then models 1, 802, 803 chained by their lengths, then the end marker", () => {
  const map = shipped("sunspec");
  const at = (address: number) => map.entries.find((entry) => entry.address === address);
  assert.equal(at(40000)?.value, "SunS");
  const chain: [number, number][] = [];
  for (let address = 40002; ;) {
    const id = at(address)?.value as number;
    const length = at(address + 1)?.value as number;
    chain.push([id, length]);
    if (id === 0xffff) break;
    address += 2 + length;
  }
  assert.deepEqual(chain, [
    [1, 66],
    [802, 62],
    [803, 58],
    [0xffff, 0],
  ]);
});
