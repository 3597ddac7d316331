/**
 * `npm run bench [name…]`: runs every benchmark in bench/<name>/run.ts (or the named ones), each in its
 * own process, and writes bench/results/latest.json plus a readable table to stdout.
 *
 * A benchmark's run.ts prints its human-readable report and, as its last stdout line,
 * `BENCH_RESULT <json>` where json is `{ name, baseline: {...}, measured: {...}, ratios: {...}, targets: {...} }`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'run.ts')))
  .map((d) => d.name)
  .filter((n) => wanted.length === 0 || wanted.includes(n));

function runOne(name: string): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, name, 'run.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last: unknown = { name, error: 'no BENCH_RESULT line' };
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines)
        if (line.startsWith('BENCH_RESULT ')) last = JSON.parse(line.slice(13)) as unknown;
    });
    child.on('close', (code) => resolve(code === 0 ? last : { name, error: `exited with ${code}` }));
  });
}

const results: unknown[] = [];
for (const name of names) {
  console.log(`\n=== bench/${name} ===`);
  results.push(await runOne(name));
}
// Running some benchmarks replaces their entries and keeps the others' last figures.
const file = path.join(here, 'results', 'latest.json');
const previous = existsSync(file)
  ? ((JSON.parse(readFileSync(file, 'utf8')) as { results?: Array<{ name?: string }> }).results ?? [])
  : [];
const fresh = results.map(
  (r) => ({ ...(r as object), date: new Date().toISOString(), node: process.version }) as { name?: string },
);
const merged = [...previous.filter((p) => !fresh.some((r) => r.name === p.name)), ...fresh];
writeFileSync(file, JSON.stringify({ updated: new Date().toISOString(), results: merged }, null, 2) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), file)} (${results.length} benchmark(s))`);
