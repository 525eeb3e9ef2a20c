import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { X509Certificate } from "node:crypto";

/** A `bcu opcua trust|reject` selector that matches no certificate, or several. */
export class PkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PkiError";
  }
}

export type CertificateStatus = "trusted" | "rejected";

export interface ClientCertificateInfo {
  readonly status: CertificateStatus;
  /** SHA-1 thumbprint, lower-case hex: what OPC UA tools show. */
  readonly thumbprint: string;
  readonly subject: string;
  readonly applicationUri: string | null;
  readonly notAfter: string;
  readonly file: string;
}

/** Folders of node-opcua's PKI layout (`trusted/certs`, `rejected`), which the server watches while it runs. */
export function pkiFolders(pkiDir: string): Readonly<Record<CertificateStatus, string>> {
  return { trusted: join(pkiDir, "trusted", "certs"), rejected: join(pkiDir, "rejected") };
}

function readCertificate(file: string): X509Certificate | null {
  try {
    return new X509Certificate(readFileSync(file));
  } catch {
    return null;
  }
}

function describe(file: string, status: CertificateStatus): ClientCertificateInfo | null {
  const certificate = readCertificate(file);
  if (certificate === null) return null;
  const commonName = /^CN=(.*)$/m.exec(certificate.subject)?.[1];
  const uri = /URI:([^,\s]+)/.exec(certificate.subjectAltName ?? "")?.[1] ?? null;
  return {
    status,
    thumbprint: certificate.fingerprint.replaceAll(":", "").toLowerCase(),
    subject: commonName ?? certificate.subject.replaceAll("\n", ", "),
    applicationUri: uri,
    notAfter: new Date(certificate.validTo).toISOString(),
    file,
  };
}

/** Client certificates the server has trusted or rejected, trusted first. */
export function listClientCertificates(pkiDir: string): ClientCertificateInfo[] {
  const folders = pkiFolders(pkiDir);
  const result: ClientCertificateInfo[] = [];
  for (const status of ["trusted", "rejected"] as const) {
    let names: string[];
    try {
      names = readdirSync(folders[status]).filter((n) => /\.(pem|der)$/i.test(n));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const info = describe(join(folders[status], name), status);
      if (info) result.push(info);
    }
  }
  return result;
}

function select(pkiDir: string, selector: string): ClientCertificateInfo {
  const wanted = selector.toLowerCase().replaceAll(":", "");
  const matches = listClientCertificates(pkiDir).filter(
    (c) => c.thumbprint.startsWith(wanted) || basename(c.file) === selector,
  );
  if (matches.length === 0) {
    throw new PkiError(`no client certificate in ${pkiDir} matches "${selector}": \`bcu opcua list\` shows them`);
  }
  if (matches.length > 1) {
    throw new PkiError(`"${selector}" matches ${matches.length} certificates: give more of the thumbprint`);
  }
  return matches[0];
}

function moveTo(pkiDir: string, certificate: ClientCertificateInfo, status: CertificateStatus): ClientCertificateInfo {
  if (certificate.status === status) return certificate;
  const folder = pkiFolders(pkiDir)[status];
  mkdirSync(folder, { recursive: true });
  const target = join(folder, basename(certificate.file));
  renameSync(certificate.file, target);
  return { ...certificate, status, file: target };
}

/**
 * Trusts a client certificate: a rejected one by thumbprint (or its prefix, or file name), or a certificate file
 * from elsewhere (`.pem` or `.der`). A running server sees the change at once (it watches the folders).
 */
export function trustClientCertificate(pkiDir: string, selectorOrFile: string): ClientCertificateInfo {
  if (
    /\.(pem|der)$/i.test(selectorOrFile) &&
    !listClientCertificates(pkiDir).some((c) => basename(c.file) === selectorOrFile)
  ) {
    const outside = describe(selectorOrFile, "trusted");
    if (outside === null) throw new PkiError(`${selectorOrFile} is not a readable certificate (PEM or DER)`);
    const folder = pkiFolders(pkiDir).trusted;
    mkdirSync(folder, { recursive: true });
    const target = join(folder, `${outside.thumbprint}.der`);
    writeFileSync(target, (readCertificate(selectorOrFile) as X509Certificate).raw);
    return { ...outside, file: target };
  }
  return moveTo(pkiDir, select(pkiDir, selectorOrFile), "trusted");
}

/** Moves a trusted client certificate to `rejected`: that client is refused from its next connection on. */
export function rejectClientCertificate(pkiDir: string, selector: string): ClientCertificateInfo {
  return moveTo(pkiDir, select(pkiDir, selector), "rejected");
}
