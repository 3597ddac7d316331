/**
 * Rewrites README's configuration table and `.env.example` from src/config/env.schema.ts:
 * `npm run docs:config`. The table sits between the config-table markers; tests check every variable is
 * in both.
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

// .env.example: every variable commented out at its default, with its meaning above it (Markdown kept).
const quote = (d: string) => (/^[\w./:,@-]*$/.test(d) ? d : `'${d.replace(/'/g, "'\\''")}'`);
const entries = ENV_VARS.map(
  (v) => `# ${v.description}\n# ${v.name}=${v.default === undefined ? '' : quote(v.default)}`,
);
const example = [
  '# TestWeb configuration: every variable, commented out at its default (README.md, "Configuration").',
  '# Copy to .env, uncomment what you change, and load it before starting, e.g.',
  '#   set -a; . ./.env; set +a; npm start        or        node --env-file=.env …',
  '# Never commit a .env holding real secrets (JWT_SECRET, ENCRYPTION_KEY, SMTP and OAuth client secrets).',
  '',
  entries.join('\n\n'),
  '',
].join('\n');
writeFileSync(new URL('../.env.example', import.meta.url), example);
console.log(`.env.example: ${entries.length} configuration variables`);
