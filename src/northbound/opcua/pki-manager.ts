import { OPCUACertificateManager } from "node-opcua";

/*
 * Kept apart from pki.ts so that the CLI's certificate commands (`bcu opcua list|trust|reject`) and every other
 * `bcu` command start without loading node-opcua (slow, and it prints warnings on stdout).
 */

type VerifyArguments = Parameters<OPCUACertificateManager["verifyCertificate"]>;

/**
 * node-opcua keeps the trust list in memory, updated by a file watcher that can miss a move made by another
 * process (`bcu opcua trust`). Before refusing a client as untrusted it reads the folders again: a trust takes
 * effect at the client's next attempt, and only refused attempts pay for the re-read.
 */
class ServerCertificateManager extends OPCUACertificateManager {
  protected override async verifyCertificateAsync(
    certificate: VerifyArguments[0],
    options: NonNullable<VerifyArguments[1]>,
  ) {
    const status = await super.verifyCertificateAsync(certificate, options);
    if (String(status) !== "BadCertificateUntrusted") return status;
    await this.reloadCertificates();
    return super.verifyCertificateAsync(certificate, options);
  }
}

/**
 * The server's certificate store in `pkiDir`. The server creates its own key and self-signed certificate there on
 * first start. A client certificate that is not trusted is refused and filed under `rejected` for
 * `bcu opcua trust`, unless `trustUnknownClients` (commissioning).
 */
export function createServerCertificateManager(pkiDir: string, trustUnknownClients: boolean): OPCUACertificateManager {
  return new ServerCertificateManager({
    rootFolder: pkiDir,
    automaticallyAcceptUnknownCertificate: trustUnknownClients,
    name: "bcu-server",
  });
}
