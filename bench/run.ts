/**
 * `npm run bench`: every benchmark, each printing its figures. Benchmarks measure; they never assert.
 * `npm run bench -- NAME` runs the ones whose name contains NAME.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? "";
const files = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && f.includes(filter))
  .sort();

for (const file of files) {
  const module = (await import(join(here, file))) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(module)) {
    if (!name.startsWith("bench") || typeof fn !== "function") continue;
    const result = await (fn as () => unknown)();
    console.log(`${file.replace(/\.ts$/, "")} ${name}: ${JSON.stringify(result)}`);
  }
}
