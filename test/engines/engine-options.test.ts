import { describe, expect, it } from 'vitest';
import { createEngineRegistry, ENGINES } from '../../src/engines/index.ts';
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
    expect(registry.types()).toEqual(['performance', 'stress', 'api']);
  });

  it('applies schema defaults', () => {
    expect(registry.validate('performance', {})).toMatchObject({ runs: 3, fetchResources: true, insecureTls: false });
    expect(registry.validate('stress', undefined)).toMatchObject({ method: 'GET', vus: 10, pattern: 'constant', thresholds: [] });
    expect(registry.validate('api', { steps: [{ url: '/x' }] })).toMatchObject({ assertions: [], steps: [{ url: '/x', assertions: [], extract: [] }] });
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
    expect(fieldsOf('stress', { vus: 0, duration: '10 minutes' }).sort()).toEqual(['/body/options/duration', '/body/options/vus']);
    expect(fieldsOf('stress', { thresholds: ['p95<200', 'p96<1'] })).toEqual(['/body/options/thresholds/1']);
    expect(fieldsOf('stress', { stages: [{ duration: '10s', target: 5 }, { duration: '5s' }] })).toEqual(['/body/options/stages/1/target']);
    expect(fieldsOf('stress', { method: 'TRACE' })).toEqual(['/body/options/method']);
    expect(fieldsOf('api', { assertions: [{ source: 'cookie', comparison: 'equals' }] })).toEqual(['/body/options/assertions/0/source']);
  });

  it('rejects assertions the schema cannot catch, naming the field', () => {
    expect(fieldsOf('api', { assertions: [{ source: 'body', comparison: 'matches', target: '([' }] })).toEqual(['/body/options/assertions/0/target']);
    expect(fieldsOf('api', { assertions: [{ source: 'header', comparison: 'exists' }] })).toEqual(['/body/options/assertions/0/property']);
    expect(fieldsOf('api', { assertions: [{ source: 'jsonPath', property: '$..[?(@.x)]', comparison: 'exists' }] })).toEqual(['/body/options/assertions/0/property']);
    expect(fieldsOf('api', { assertions: [{ source: 'jsonSchema', target: 'object' }] })).toEqual(['/body/options/assertions/0/target']);
    expect(fieldsOf('api', { assertions: [{ source: 'status', comparison: 'in', target: 200 }] })).toEqual(['/body/options/assertions/0/target']);
    expect(fieldsOf('api', { steps: [{ extract: [{ name: 'token', source: 'jsonPath' }] }] })).toEqual(['/body/options/steps/0/extract/0/property']);
  });

  it('says in the message which option is wrong', () => {
    expect(() => registry.validate('performance', { runs: 0 })).toThrow(/runs must be >= 1/);
  });
});
