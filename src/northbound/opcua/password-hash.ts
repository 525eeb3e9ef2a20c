import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

/** scrypt cost: N = 2^14, r = 8, p = 1 (about 16 MiB and 50 ms per check on the gateway): slow for a guesser. */
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** A stored hash that is not `scrypt$N$r$p$salt$hash`: the configuration was edited by hand. */
export class PasswordHashFormatError extends Error {
  constructor(what: string) {
    super(`${what}: expected a hash printed by \`bcu opcua hash-password\` (scrypt$N$r$p$salt$hash)`);
    this.name = "PasswordHashFormatError";
  }
}

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") throw new PasswordHashFormatError("password hash");
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], "base64");
  const key = Buffer.from(parts[5], "base64");
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || salt.length === 0 || key.length === 0) {
    throw new PasswordHashFormatError("password hash");
  }
  return { N, r, p, salt, key };
}

/** `scrypt$16384$8$1$<salt base64>$<key base64>`: what `users[].passwordHash` holds. */
export function hashPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const key = scryptSync(password, salt, KEY_BYTES, { ...COST, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** True when `password` matches `stored`; constant time in the comparison. Off the event loop (scrypt is slow). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { N, r, p, salt, key } = parseHash(stored);
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, key.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  return timingSafeEqual(derived, key);
}

/** Throws `PasswordHashFormatError` when `stored` cannot be checked against (used at start, not at login). */
export function assertPasswordHash(stored: string, user: string): void {
  try {
    parseHash(stored);
  } catch {
    throw new PasswordHashFormatError(`opcua.users "${user}": password hash`);
  }
}
