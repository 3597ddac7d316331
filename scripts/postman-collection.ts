/**
 * Builds docs/postman/testweb.postman_collection.json from the OpenAPI document the app serves:
 * `npm run docs:postman`. A test fails while the committed collection differs from a fresh one.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from './openapi-document.ts';

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
}
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  format?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
}

export const COLLECTION_FILE = new URL('../docs/postman/testweb.postman_collection.json', import.meta.url);

/** A small example body from a schema: required fields only, with defaults or type-shaped placeholders. */
function example(schema: Schema | undefined): unknown {
  if (!schema) return undefined;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return example(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of schema.required ?? []) out[key] = example(schema.properties?.[key]);
    return out;
  }
  if (type === 'array') return [];
  if (type === 'integer' || type === 'number') return 0;
  if (type === 'boolean') return false;
  if (schema.format === 'email') return 'me@example.com';
  if (schema.format === 'uri') return 'https://example.com/';
  return '';
}

function item(path: string, method: string, op: Operation) {
  const postmanPath = path.replace(/\{(\w+)\}/g, ':$1');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const query = (op.parameters ?? [])
    .filter((p) => p.in === 'query')
    .map((p) => ({ key: p.name, value: '', disabled: !p.required }));
  const headers = body ? [{ key: 'Content-Type', value: 'application/json' }] : [];
  return {
    name: op.summary ?? `${method.toUpperCase()} ${path}`,
    request: {
      method: method.toUpperCase(),
      header: headers,
      ...(op.security?.length === 0 ? { auth: { type: 'noauth' } } : {}),
      url: {
        raw: `{{baseUrl}}${postmanPath}`,
        host: ['{{baseUrl}}'],
        path: postmanPath.split('/').filter(Boolean),
        ...(query.length ? { query } : {}),
      },
      ...(body
        ? {
            body: {
              mode: 'raw',
              raw: JSON.stringify(example(body), null, 2),
              options: { raw: { language: 'json' } },
            },
          }
        : {}),
    },
  };
}

export async function generateCollection(): Promise<string> {
  const doc = await openApiDocument<{
    info: { version: string };
    paths: Record<string, Record<string, Operation>>;
  }>();
  const folders = new Map<string, unknown[]>();
  for (const [path, methods] of Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      if (!folders.has(tag)) folders.set(tag, []);
      folders.get(tag)!.push(item(path, method, op));
    }
  }
  const collection = {
    info: {
      name: 'TestWeb API',
      description:
        'Generated from /docs/json by npm run docs:postman. Run "login" first: it stores the tokens.',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: 'http://localhost:3001' },
      { key: 'accessToken', value: '' },
      { key: 'refreshToken', value: '' },
    ],
    event: [
      {
        listen: 'test',
        script: {
          type: 'text/javascript',
          exec: [
            'const b = pm.response.json && pm.response.code < 300 ? pm.response.json() : {};',
            'if (b.accessToken) pm.collectionVariables.set("accessToken", b.accessToken);',
            'if (b.refreshToken) pm.collectionVariables.set("refreshToken", b.refreshToken);',
          ],
        },
      },
    ],
    item: [...folders].map(([name, items]) => ({ name, item: items })),
  };
  return JSON.stringify(collection, null, 2) + '\n';
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(COLLECTION_FILE, await generateCollection());
  console.log('wrote docs/postman/testweb.postman_collection.json');
}
