import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/web-api-types.ts';
import { FIRST_PAGE_JS_BUDGET, firstPageJsBytes } from '../../scripts/web-build.ts';

const SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The top folder of web/src a file is in, and for features the feature's name: `features/tests`. */
function area(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts[0] === 'features' ? `features/${parts[1]}` : parts[0]!;
}

describe('the dashboard sources', () => {
  it('keeps the generated API types in step with the OpenAPI document (npm run web:api)', async () => {
    const fresh = await generateApiTypes();
    expect(
      readFileSync(API_TYPES_FILE, 'utf8') === fresh,
      'web/src/lib/api/schema.d.ts is stale: run npm run web:api',
    ).toBe(true);
  }, 60_000);

  it('has no feature importing another, and lib and components importing no feature', () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const from = area(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const to = area(resolve(dirname(file), m[1]!));
        const crossFeature = from.startsWith('features/') && to.startsWith('features/') && to !== from;
        const upward =
          (from === 'lib' || from === 'components') && (to.startsWith('features/') || to === 'app');
        if (crossFeature || upward) wrong.push(`${relative(SRC, file)} imports ${m[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('writes no API path by hand in features: every call goes through the typed client', () => {
    const wrong = files(join(SRC, 'features')).filter((f) =>
      /fetch\(\s*['`]\/api\//.test(readFileSync(f, 'utf8')),
    );
    expect(wrong.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('loads at most 250 KiB of gzipped JavaScript on the first page', () => {
    const { bytes, files: scripts } = firstPageJsBytes();
    expect(scripts.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(FIRST_PAGE_JS_BUDGET);
  });

  it('is a production build even when built under vitest (NODE_ENV=test): no React development runtime', () => {
    const assets = fileURLToPath(new URL('../../web/dist/assets/', import.meta.url));
    const dev = readdirSync(assets).filter(
      (f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('jsxDEV'),
    );
    expect(dev).toEqual([]);
  });
});
