/**
 * `npm run bench`: runs every test/bench/*.bench.ts (each exports a default async function that
 * prints its figures and ratios to standard output) and asserts nothing.
 * `npm run bench -- mrz` runs only the benchmarks whose file name contains "mrz".
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

for (const f of files) {
  console.log(`\n## ${f.replace('.bench.ts', '')}`);
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default: () => Promise<void> };
  try {
    await mod.default();
  } catch (e) {
    console.log(`benchmark failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
