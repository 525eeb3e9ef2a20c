import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const unitPath = fileURLToPath(new URL("../../systemd/bcu.service", import.meta.url));
const unit = readFileSync(unitPath, "utf8");

test("systemd-analyze verify finds nothing to say about systemd/bcu.service", () => {
  const result = spawnSync("systemd-analyze", ["verify", unitPath], { encoding: "utf8" });
  assert.equal(result.error, undefined, "systemd-analyze is installed (.ci/run installs systemd)");
  assert.equal(result.stderr.trim(), "", result.stderr);
  assert.equal(result.status, 0);
});

test("the unit is a notify service with a watchdog, restarts on failure and runs hardened as its own user", () => {
  const settings = new Map<string, string[]>();
  for (const line of unit.split("\n")) {
    const match = /^(\w+)=(.*)$/.exec(line);
    if (match) settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2]]);
  }
  const one = (key: string): string | undefined => settings.get(key)?.[0];
  assert.equal(one("Type"), "notify");
  assert.match(one("WatchdogSec") ?? "", /^\d+s$/);
  assert.equal(one("Restart"), "on-failure");
  assert.equal(one("User"), "bcu");
  assert.equal(one("StateDirectory"), "bcu");
  assert.equal(one("AmbientCapabilities"), "CAP_NET_BIND_SERVICE");
  assert.equal(one("CapabilityBoundingSet"), "CAP_NET_BIND_SERVICE");
  for (const key of ["NoNewPrivileges", "PrivateTmp", "ProtectHome", "PrivateDevices", "RestrictSUIDSGID"]) {
    assert.equal(one(key), "yes", key);
  }
  assert.equal(one("ProtectSystem"), "strict");
  assert.match(one("RestrictAddressFamilies") ?? "", /AF_CAN/, "SocketCAN needs AF_CAN");
  assert.match(one("ExecReload") ?? "", /kill -HUP \$MAINPID/);
});
