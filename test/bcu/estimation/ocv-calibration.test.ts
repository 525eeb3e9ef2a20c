import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultEstimationConfig as config } from "../../../src/bcu/estimation/config.ts";
import { lfpOcv_mV } from "../../../src/bcu/estimation/lfp-ocv.ts";
import { fuseOcvReading, ocvVoltageSigma_mV, readOcv } from "../../../src/bcu/estimation/ocv-calibration.ts";

describe("OCV weighting", () => {
  const sigma_mV = ocvVoltageSigma_mV(25, -1, 10, config);

  it("says almost nothing on the plateau and a lot at the ends", () => {
    const plateau = readOcv(lfpOcv_mV(0.5, 25, -1), 25, -1, sigma_mV);
    const low = readOcv(lfpOcv_mV(0.03, 25, -1), 25, -1, sigma_mV);
    const high = readOcv(lfpOcv_mV(0.985, 25, -1), 25, -1, sigma_mV);
    assert.ok(plateau.sigma > 0.1, `plateau σ ${plateau.sigma}`);
    assert.ok(low.sigma < 0.01, `low σ ${low.sigma}`);
    assert.ok(high.sigma < 0.01, `high σ ${high.sigma}`);
  });

  it("moves a counted SOC a little on the plateau and almost all the way at the ends", () => {
    const out = { soc: 0, sigma: 0 };
    // Counted SOC 10 points off, σ 5 %.
    fuseOcvReading(0.6, 0.05, readOcv(lfpOcv_mV(0.5, 25, -1), 25, -1, sigma_mV), out);
    assert.ok(out.soc > 0.57, `plateau moved to ${out.soc}`);
    fuseOcvReading(0.13, 0.05, readOcv(lfpOcv_mV(0.03, 25, -1), 25, -1, sigma_mV), out);
    assert.ok(Math.abs(out.soc - 0.03) < 0.005, `end moved to ${out.soc}`);
    assert.ok(out.sigma < 0.01);
  });

  it("trusts the OCV less in the cold and when the hysteresis branch is unknown", () => {
    assert.ok(ocvVoltageSigma_mV(0, -1, 10, config) > ocvVoltageSigma_mV(25, -1, 10, config));
    assert.ok(ocvVoltageSigma_mV(25, 0, 10, config) > ocvVoltageSigma_mV(25, 1, 10, config));
  });
});
