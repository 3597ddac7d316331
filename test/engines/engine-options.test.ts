import { describe, expect, it } from 'vitest';
import { createEngineRegistry, ENGINES, OptionLimitError } from '../../src/engines/index.ts';
import { ValidationError } from '../../src/shared/http/index.ts';

const registry = createEngineRegistry(ENGINES);

function fieldsOf(type: string, options: unknown): string[] {
  try {
    registry.validate(type, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).errors.map((e) => e.field);
  }
  throw new Error('expected a ValidationError');
}

describe('engine options', () => {
  it('lists the product engines', () => {
    expect(registry.types()).toEqual([
      'performance',
      'stress',
      'api',
      'lighthouse',
      'accessibility',
      'security',
      'seo',
      'website',
    ]);
  });

  it('applies schema defaults', () => {
    expect(registry.validate('performance', {})).toMatchObject({
      runs: 3,
      fetchResources: true,
      insecureTls: false,
    });
    expect(registry.validate('stress', undefined)).toMatchObject({
      method: 'GET',
      vus: 10,
      pattern: 'constant',
      thresholds: [],
    });
    expect(registry.validate('api', { steps: [{ url: '/x' }] })).toMatchObject({
      assertions: [],
      steps: [{ url: '/x', assertions: [], extract: [] }],
    });
  });

  it('does not change the options it was given', () => {
    const given = {};
    registry.validate('performance', given);
    expect(given).toEqual({});
  });

  it('names an unknown test type', () => {
    expect(fieldsOf('load', {})).toEqual(['/body/type']);
  });

  it('names each bad field under /body/options', () => {
    expect(fieldsOf('performance', { runs: 11 })).toEqual(['/body/options/runs']);
    expect(fieldsOf('performance', { runs: '3' })).toEqual(['/body/options/runs']);
    expect(fieldsOf('performance', { colour: 'red' })).toEqual(['/body/options/colour']);
    expect(fieldsOf('stress', { vus: 0, duration: '10 minutes' }).sort()).toEqual([
      '/body/options/duration',
      '/body/options/vus',
    ]);
    expect(fieldsOf('stress', { thresholds: ['p95<200', 'p96<1'] })).toEqual(['/body/options/thresholds/1']);
    expect(fieldsOf('stress', { stages: [{ duration: '10s', target: 5 }, { duration: '5s' }] })).toEqual([
      '/body/options/stages/1/target',
    ]);
    expect(fieldsOf('stress', { method: 'TRACE' })).toEqual(['/body/options/method']);
    expect(fieldsOf('api', { assertions: [{ source: 'cookie', comparison: 'equals' }] })).toEqual([
      '/body/options/assertions/0/source',
    ]);
  });

  it('rejects assertions the schema cannot catch, naming the field', () => {
    expect(
      fieldsOf('api', { assertions: [{ source: 'body', comparison: 'matches', target: '([' }] }),
    ).toEqual(['/body/options/assertions/0/target']);
    expect(fieldsOf('api', { assertions: [{ source: 'header', comparison: 'exists' }] })).toEqual([
      '/body/options/assertions/0/property',
    ]);
    expect(
      fieldsOf('api', {
        assertions: [{ source: 'jsonPath', property: '$..[?(@.x)]', comparison: 'exists' }],
      }),
    ).toEqual(['/body/options/assertions/0/property']);
    expect(fieldsOf('api', { assertions: [{ source: 'jsonSchema', target: 'object' }] })).toEqual([
      '/body/options/assertions/0/target',
    ]);
    expect(fieldsOf('api', { assertions: [{ source: 'status', comparison: 'in', target: 200 }] })).toEqual([
      '/body/options/assertions/0/target',
    ]);
    expect(fieldsOf('api', { steps: [{ extract: [{ name: 'token', source: 'jsonPath' }] }] })).toEqual([
      '/body/options/steps/0/extract/0/property',
    ]);
  });

  it('says in the message which option is wrong', () => {
    expect(() => registry.validate('performance', { runs: 0 })).toThrow(/runs must be >= 1/);
  });

  it('accepts stress options at the caps and refuses one above, naming the variable', () => {
    const capped = createEngineRegistry(ENGINES, {
      stressMaxUsers: 20,
      stressMaxDurationMs: 60_000,
      stressMaxRate: 100,
    });
    expect(capped.validate('stress', { vus: 20, duration: '1m' })).toMatchObject({ vus: 20 });
    expect(capped.validate('stress', { rate: 100, vus: 20, duration: 60 })).toMatchObject({ rate: 100 });
    expect(
      capped.validate('stress', {
        stages: [
          { duration: '30s', target: 20 },
          { duration: '30s', target: 0 },
        ],
      }),
    ).toBeTruthy();
    // With stages, vus is not used: its default (10) or any value is not held against the cap.
    expect(capped.validate('stress', { vus: 500, stages: [{ duration: '10s', target: 5 }] })).toBeTruthy();
    expect(() => capped.validate('stress', { vus: 21, duration: '1m' })).toThrow(OptionLimitError);
    expect(() => capped.validate('stress', { vus: 21, duration: '1m' })).toThrow(
      /vus must be at most 20.*STRESS_MAX_USERS/,
    );
    expect(() => capped.validate('stress', { duration: '60001ms' })).toThrow(/STRESS_MAX_DURATION/);
    expect(() => capped.validate('stress', { duration: '61s' })).toThrow(/STRESS_MAX_DURATION/);
  });

  it('says when the default duration is what exceeds the cap', () => {
    const short = createEngineRegistry(ENGINES, { stressMaxDurationMs: 10_000 });
    expect(() => short.validate('stress', {})).toThrow(
      /duration is not set, and the default is 30 s, above the 10 s/,
    );
  });

  it('refuses a NUL in a header value and an empty header name', () => {
    expect(fieldsOf('api', { headers: { 'X-A': 'a\u0000b' } })).toEqual(['/body/options/headers/X-A']);
    expect(fieldsOf('performance', { headers: { '': 'x' } })).toEqual(['/body/options/headers/']);
    expect(fieldsOf('stress', { headers: { 'a/b~c': 'x' } })).toEqual(['/body/options/headers/a~1b~0c']);
  });

  it('lets ordinary headers through, X-Host and friends included', () => {
    expect(
      registry.validate('api', {
        headers: {
          Authorization: 'Bearer x',
          'X-Host': 'h',
          'content-type': 'application/json',
          'X-Tab': 'a\tb',
        },
      }),
    ).toMatchObject({ headers: { 'X-Host': 'h' } });
  });
});
