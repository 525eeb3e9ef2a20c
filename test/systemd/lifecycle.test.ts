import assert from "node:assert/strict";
import { test } from "node:test";
import { silentLogger } from "../../src/daemon/log.ts";
import { reloadConfiguration, runShutdown } from "../../src/daemon/systemd.ts";

test("shutdown runs every step in order; one that throws or hangs does not stop the rest", async () => {
  const ran: string[] = [];
  const outcomes = await runShutdown(
    [
      { name: "servers", run: () => void ran.push("servers") },
      { name: "hangs", run: () => new Promise(() => {}), timeout_ms: 20 },
      {
        name: "throws",
        run: () => {
          throw new Error("boom");
        },
      },
      { name: "final state", run: async () => void ran.push("final state") },
    ],
    silentLogger,
  );
  assert.deepEqual(ran, ["servers", "final state"]);
  assert.deepEqual(
    outcomes.map((o) => `${o.name}:${o.ok}`),
    ["servers:true", "hangs:false", "throws:false", "final state:true"],
  );
  assert.match(String(outcomes[1].error), /did not finish within 20 ms/);
});

test("reload applies only when every participant accepts; a refusal keeps the running configuration", () => {
  let running = { period_ms: 100, map: "a" };
  const participants = [
    {
      name: "cycle",
      prepare: (c: typeof running) => {
        if (c.period_ms > 250) throw new Error("cycle.period_ms must be <= 250");
        return () => void (running = { ...running, period_ms: c.period_ms });
      },
    },
    { name: "modbus", prepare: (c: typeof running) => () => void (running = { ...running, map: c.map }) },
  ];
  const refused = reloadConfiguration(() => ({ period_ms: 500, map: "b" }), participants, silentLogger);
  assert.deepEqual(refused, { ok: false, reason: "cycle: cycle.period_ms must be <= 250" });
  assert.deepEqual(running, { period_ms: 100, map: "a" }, "nothing applied, not even the modbus part");
  const unreadable = reloadConfiguration(
    () => {
      throw new Error("bcu.yaml: no such file");
    },
    participants,
    silentLogger,
  );
  assert.equal(unreadable.ok, false);
  const accepted = reloadConfiguration(() => ({ period_ms: 200, map: "b" }), participants, silentLogger);
  assert.equal(accepted.ok, true);
  assert.deepEqual(running, { period_ms: 200, map: "b" });
});
