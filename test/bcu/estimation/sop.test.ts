import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lfpMeanOcv_mV } from "../../../src/bcu/estimation/lfp-ocv.ts";
import { ecmLimit, type SopCells } from "../../../src/bcu/estimation/sop.ts";

function cells(ocv_mV: number[], soc: number[]): SopCells {
  const n = ocv_mV.length;
  return {
    ocv_mV: Float64Array.from(ocv_mV),
    v1_mV: new Float64Array(n),
    v2_mV: new Float64Array(n),
    socAtOcv: Float64Array.from(soc),
    capacity_Ah: new Float64Array(n).fill(280),
    r0_mOhm: new Float64Array(n).fill(0.5),
    r1_mOhm: new Float64Array(n),
    r2_mOhm: new Float64Array(n),
  };
}

describe("ecmLimit", () => {
  it("is the current at which the most-limited cell reaches its voltage limit", () => {
    // Mid-plateau, 10 s: the OCV hardly moves, so I = (E − Vmin) / R0 for the lowest cell.
    const c = cells([3290, 3280], [0.5, 0.45]);
    const d = ecmLimit(c, "discharge", 10, 15, 300, 2800, 560);
    assert.equal(d.limitingCell, 1);
    assert.ok(Math.abs(d.current_A - 480 / 0.5) < 5, `got ${d.current_A}`);
    const ch = ecmLimit(c, "charge", 10, 15, 300, 3600, 560);
    assert.equal(ch.limitingCell, 0);
    assert.ok(Math.abs(ch.current_A - 310 / 0.5) < 5, `got ${ch.current_A}`);
  });

  it("falls near the ends by itself: the steep OCV over a long horizon", () => {
    const mid = ecmLimit(cells([3290], [0.5]), "discharge", 900, 15, 300, 2800, 280);
    const low = ecmLimit(cells([3168], [0.05]), "discharge", 900, 15, 300, 2800, 280);
    assert.ok(low.current_A < mid.current_A / 5, `low ${low.current_A} mid ${mid.current_A}`);
    const high = ecmLimit(cells([3345], [0.97]), "charge", 900, 15, 300, 3600, 280);
    assert.ok(high.current_A < 100, `high ${high.current_A}`);
  });

  it("counts the polarisation already there: after a long discharge less is left for the next 10 s", () => {
    const rested = cells([3290], [0.5]);
    const loaded = cells([3290], [0.5]);
    loaded.v2_mV[0] = 100;
    const a = ecmLimit(rested, "discharge", 10, 15, 300, 2800, 560).current_A;
    const b = ecmLimit(loaded, "discharge", 10, 15, 300, 2800, 560).current_A;
    assert.ok(b < a);
  });

  it("is 0 for a cell already at its limit", () => {
    assert.equal(ecmLimit(cells([3610], [0.999]), "charge", 10, 15, 300, 3600, 560).current_A, 0);
  });
});

describe("ecmLimit near the empty end", () => {
  it("lets a small current run on where the rated current could not last the horizon", () => {
    // 8 % SOC: 0.5 C for 900 s would empty the cell, 0.2 C would not.
    const c = cells([3190], [0.08]);
    const limit = ecmLimit(c, "discharge", 900, 15, 300, 2820, 140).current_A;
    assert.ok(limit >= 56, `got ${limit}`);
    assert.ok(limit <= 70, `got ${limit}`);
  });
});

describe("ecmLimit against the exact model (the OCV table itself, not a secant)", () => {
  // One cell with only R0, its OCV on the mean curve: after I A for t s the terminal voltage is
  // OCV(soc ∓ I·t/C) ∓ I·R0. The limit must never cross the voltage limit, and must not waste more than the
  // secant levels' granularity (a factor 2) of the current the exact model allows.
  const terminal_mV = (soc: number, current_A: number, horizon_s: number, direction: "charge" | "discharge") => {
    const sign = direction === "discharge" ? 1 : -1;
    const moved = Math.min(1, Math.max(0, soc - (sign * current_A * horizon_s) / 3600 / 280));
    return lfpMeanOcv_mV(moved) - sign * current_A * 0.5;
  };
  const exactLimit = (soc: number, horizon_s: number, direction: "charge" | "discharge", limit_mV: number) => {
    const ok = (i: number) =>
      direction === "discharge"
        ? terminal_mV(soc, i, horizon_s, direction) >= limit_mV
        : terminal_mV(soc, i, horizon_s, direction) <= limit_mV;
    let lo = 0;
    let hi = 140;
    if (ok(hi)) return hi;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (ok(mid)) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const socs = [0.008, 0.01, 0.012, 0.015, 0.02, 0.03, 0.05, 0.08, 0.2, 0.5, 0.8, 0.95, 0.97, 0.98, 0.99, 0.993];
  for (const direction of ["discharge", "charge"] as const) {
    it(`${direction}: safe and within a factor 2 at every SOC from one end to the other`, () => {
      const limit_mV = direction === "discharge" ? 2820 : 3450;
      for (const soc of socs) {
        const c = cells([lfpMeanOcv_mV(soc)], [soc]);
        const got = Math.min(140, ecmLimit(c, direction, 300, 15, 300, limit_mV, 140).current_A);
        const exact = exactLimit(soc, 300, direction, limit_mV);
        const v = terminal_mV(soc, got, 300, direction);
        assert.ok(
          direction === "discharge" ? v >= limit_mV - 1e-6 : v <= limit_mV + 1e-6,
          `${direction} at ${soc}: ${got} A ends at ${v} mV`,
        );
        assert.ok(got >= exact / 2 - 1e-6, `${direction} at ${soc}: ${got} A of an exact ${exact} A`);
      }
    });
  }
});
