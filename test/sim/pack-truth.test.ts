import { test } from "node:test";
import assert from "node:assert/strict";
import {
  deliverableEnergy_Wh,
  seriesStringCharge_Ah,
  seriesStringSoc,
  storedEnergy_Wh,
} from "../../src/sim/pack-truth.ts";

test("pack SOC is Qdis / (Qdis + Qchg) over the weakest cells", () => {
  const soc = [0.5, 0.6, 0.4];
  const capacity = [280, 250, 300];
  // Qdis = min(140, 150, 120) = 120; Qchg = min(140, 100, 180) = 100
  assert.deepEqual(seriesStringCharge_Ah(soc, capacity), { deliverable_Ah: 120, chargeable_Ah: 100 });
  assert.ok(Math.abs(seriesStringSoc(soc, capacity) - 120 / 220) < 1e-12);
});

test("pack SOC is exactly 1 when the first cell is full and 0 when the first cell is empty", () => {
  assert.equal(seriesStringSoc([1, 0.7, 0.9], [280, 280, 280]), 1);
  assert.equal(seriesStringSoc([0.2, 0, 0.1], [280, 280, 280]), 0);
  assert.equal(seriesStringSoc([0.5, 0.5], [280, 280]), 0.5);
});

test("deliverable energy counts only what the weakest cell lets out", () => {
  const full = storedEnergy_Wh([1, 1], [280, 280]);
  assert.ok(Math.abs(deliverableEnergy_Wh([1, 1], [280, 280]) - full) < 1e-9);
  const unbalanced = deliverableEnergy_Wh([1, 0.5], [280, 280]);
  assert.ok(unbalanced < storedEnergy_Wh([1, 0.5], [280, 280]));
  assert.ok(unbalanced > 0.45 * full && unbalanced < 0.55 * full, `${unbalanced} of ${full}`);
  assert.equal(deliverableEnergy_Wh([0.8, 0], [280, 280]), 0);
});
