import { test } from "node:test";
import assert from "node:assert/strict";
import { DcLink } from "../../src/sim/dc-link.ts";

test("precharge through 30 Ω into 5 mF reaches 95 % of the pack voltage after 3τ = 450 ms", () => {
  const link = new DcLink(0.005, 30);
  const dt_s = 0.001;
  let t_s = 0;
  while (link.voltage_V < 0.95 * 768) {
    link.precharge(dt_s, 768);
    t_s += dt_s;
  }
  assert.ok(Math.abs(t_s - 3 * 0.15) < 0.002, `${t_s} s`);
});

test("the precharge current is C·dV/dt and starts at V/R", () => {
  const link = new DcLink(0.005, 30);
  const first = link.precharge(0.0001, 768);
  assert.ok(Math.abs(first - 768 / 30) < 0.1, `${first} A`);
  let charge_As = first * 0.0001;
  for (let i = 0; i < 10_000; i++) charge_As += link.precharge(0.0001, 768) * 0.0001;
  assert.ok(Math.abs(charge_As - 0.005 * link.voltage_V) < 1e-9);
});

test("a disconnected link decays through the bleeder", () => {
  const link = new DcLink(0.005, 30);
  link.connect(800);
  link.bleed(150); // τ = 20 kΩ · 5 mF = 100 s
  assert.ok(link.voltage_V < 800 * Math.exp(-1) && link.voltage_V > 0);
});
