import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import { defaultEstimationConfig } from "../../../src/bcu/estimation/config.ts";
import { ANNOTATION_KEYWORDS } from "../../../src/config/json-schema.ts";
import { estimationSection } from "../../../src/config/sections/estimation.ts";

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword(keyword);
  return ajv.compile(estimationSection.schema);
}

describe("estimation config section", () => {
  it("accepts its defaults, and its check finds nothing in them", () => {
    const validate = validator();
    assert.equal(validate(defaultEstimationConfig), true, JSON.stringify(validate.errors));
    assert.deepEqual(estimationSection.check?.(defaultEstimationConfig), []);
  });

  it("rejects a typo and an out-of-range value", () => {
    const validate = validator();
    assert.equal(validate({ ...defaultEstimationConfig, restTime: 1 }), false);
    assert.equal(validate({ ...defaultEstimationConfig, coulombicEfficiency: 1.2 }), false);
  });

  it("finds a voltage window upside down and a temperature table out of order", () => {
    const issues = estimationSection.check?.({
      ...defaultEstimationConfig,
      dischargeCellVoltageLimit_mV: 3500,
      temperatureDerate: [
        { temperature_degC: 10, charge_C: 1, discharge_C: 1 },
        { temperature_degC: 0, charge_C: 0, discharge_C: 1 },
      ],
    });
    assert.deepEqual(
      issues?.map((issue) => issue.path),
      ["dischargeCellVoltageLimit_mV", "temperatureDerate.1.temperature_degC"],
    );
  });
});
