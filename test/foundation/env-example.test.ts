import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '../../src/config/index.ts';

describe('.env.example', () => {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const listed = [...text.matchAll(/^# ([A-Z0-9_]+)=/gm)].map((m) => m[1]);

  it('lists every configuration variable once, commented out, in the order of the schema (npm run docs:config)', () => {
    expect(listed).toEqual(ENV_VARS.map((v) => v.name));
  });

  it('sets nothing: every line is a comment or blank', () => {
    for (const line of text.split('\n')) expect(line === '' || line.startsWith('#'), line).toBe(true);
  });
});
