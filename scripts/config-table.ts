/**
 * Rewrites README's configuration table from src/config/env.schema.ts: `npm run docs:config`.
 * The table sits between the config-table markers; a test checks every variable is there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ENV_VARS } from '../src/config/index.ts';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const value = (d: string | undefined) => (d === undefined ? '—' : d === '' ? '(empty)' : `\`${d}\``);
const rows = ENV_VARS.map((v) => `| \`${v.name}\` | ${value(v.default)} | ${v.description} |`);
const table = ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error('README.md lacks the config-table markers');
writeFileSync(file, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
console.log(`README.md: ${rows.length} configuration variables`);
