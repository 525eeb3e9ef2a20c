import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  lfpEnergyBetween_Wh_per_Ah,
  lfpOcv_mV,
  lfpOcvSlope_mV_per_pct,
  lfpSocFromOcv,
} from "../../../src/bcu/estimation/lfp-ocv.ts";

describe("LFP OCV table", () => {
  it("rises monotonically from the discharge end to the charge end", () => {
    let previous = -Infinity;
    for (let soc = 0; soc <= 1.0000001; soc += 0.001) {
      const v = lfpOcv_mV(soc, 25, 0);
      assert.ok(v >= previous, `OCV falls at SOC ${soc}`);
      previous = v;
    }
  });

  it("inverts: SOC from OCV gives back the SOC, on either hysteresis branch and in the cold", () => {
    for (const soc of [0.02, 0.1, 0.33, 0.5, 0.77, 0.96, 0.995]) {
      for (const h of [-1, 0, 1]) {
        for (const t of [5, 25, 40]) {
          const back = lfpSocFromOcv(lfpOcv_mV(soc, t, h), t, h);
          assert.ok(Math.abs(back - soc) < 0.002, `soc ${soc} h ${h} t ${t}: got ${back}`);
        }
      }
    }
  });

  it("is flat on the plateau and steep at the ends", () => {
    assert.ok(lfpOcvSlope_mV_per_pct(0.5) < 0.5);
    assert.ok(lfpOcvSlope_mV_per_pct(0.02) > 10);
    assert.ok(lfpOcvSlope_mV_per_pct(0.995) > 10);
  });

  it("integrates to a plausible energy: about 3.2 Wh per Ah over the full range", () => {
    const e = lfpEnergyBetween_Wh_per_Ah(0, 1);
    assert.ok(e > 3.15 && e < 3.3, `got ${e}`);
    assert.equal(lfpEnergyBetween_Wh_per_Ah(0.4, 0.4), 0);
  });
});
