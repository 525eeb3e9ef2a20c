import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OPCUACertificateManager } from "node-opcua";
import { runCli } from "../../../src/cli/main.ts";
import { bufferedIo } from "../../../src/cli/output.ts";
import { verifyPassword } from "../../../src/northbound/opcua/password-hash.ts";

let dir: string;
let clientCertificate: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bcu-opcua-cli-"));
  // A real client certificate, as a client would present it, filed where the server puts rejected ones.
  const client = new OPCUACertificateManager({ rootFolder: join(dir, "client") });
  await client.initialize();
  clientCertificate = join(dir, "client", "own", "certs", "client.pem");
  await client.createSelfSignedCertificate({
    applicationUri: "urn:scada:test",
    subject: "/CN=scada-test",
    dns: ["localhost"],
    startDate: new Date(),
    validity: 365,
    outputFile: clientCertificate,
  });
  await client.dispose();
  mkdirSync(join(dir, "pki", "rejected"), { recursive: true });
  writeFileSync(join(dir, "pki", "rejected", "scada-test.pem"), readFileSync(clientCertificate));
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function bcu(...args: string[]) {
  const io = bufferedIo(dir);
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test("bcu opcua hash-password prints a scrypt hash that verifies the password, and refuses a short one", async () => {
  const { code, out } = await bcu("opcua", "hash-password", "correct horse");
  assert.equal(code, 0);
  assert.match(out, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword("correct horse", out.trim()), true);
  assert.equal(await verifyPassword("wrong horse", out.trim()), false);
  assert.equal((await bcu("opcua", "hash-password", "short")).code, 2);
});

test("bcu opcua list, trust and reject move a client certificate between rejected and trusted", async () => {
  const listed = await bcu("opcua", "list", "--pki", "pki", "--json");
  assert.equal(listed.code, 0);
  const [certificate] = JSON.parse(listed.out) as {
    status: string;
    thumbprint: string;
    subject: string;
    applicationUri: string;
  }[];
  assert.deepEqual(
    [certificate.status, certificate.subject, certificate.applicationUri],
    ["rejected", "scada-test", "urn:scada:test"],
  );

  const trusted = await bcu("opcua", "trust", certificate.thumbprint.slice(0, 10), "--pki", "pki");
  assert.equal(trusted.code, 0, trusted.err);
  assert.match(trusted.out, new RegExp(`^trusted ${certificate.thumbprint} scada-test`));
  assert.match((await bcu("opcua", "list", "--pki", "pki")).out, /trusted\s+[0-9a-f]{40}\s+scada-test/);

  const rejected = await bcu("opcua", "reject", certificate.thumbprint, "--pki", "pki");
  assert.equal(rejected.code, 0);
  assert.match(rejected.out, /^rejected /);

  const unknown = await bcu("opcua", "trust", "ffff", "--pki", "pki");
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no client certificate .* matches "ffff"/);
});
