import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COLLECTION_FILE, generateCollection } from '../../scripts/postman-collection.ts';

describe('generated documents', () => {
  it('the committed Postman collection matches the OpenAPI document (npm run docs:postman)', async () => {
    expect(readFileSync(COLLECTION_FILE, 'utf8')).toBe(await generateCollection());
  });
});
