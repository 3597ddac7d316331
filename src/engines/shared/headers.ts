import { Type } from 'typebox';

/** Headers the HTTP client owns: a caller's value would desynchronise framing or the connection. */
export const RESERVED_HEADERS = ['host', 'content-length', 'connection', 'transfer-encoding'] as const;

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const anyCase = (word: string) =>
  [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');

/**
 * A header name: an RFC 9110 token, and not one of RESERVED_HEADERS (in any case). `errorMessage` gives
 * each failing keyword the sentence the options validator reports (see options-validator.ts).
 */
const HeaderName = Type.String({
  maxLength: 256,
  pattern: `^${TOKEN}$`,
  not: { pattern: `^(?:${RESERVED_HEADERS.map(anyCase).join('|')})$` },
  errorMessage: {
    pattern: "is not a valid header name (letters, digits and !#$%&'*+.^_`|~- only)",
    not: `is set by the HTTP client and cannot be overridden (${RESERVED_HEADERS.join(', ')})`,
  },
});

/** A header value: no CR, LF or NUL (which would let a value inject headers or end the request early). */
const HeaderValue = Type.String({
  maxLength: 8192,
  pattern: '^[^\\r\\n\\u0000]*$',
  errorMessage: { pattern: 'must not contain CR, LF or NUL characters' },
});

/** The one headers schema every engine uses: names and values validated, nothing else let through. */
// additionalProperties too: a key with a line break does not match the record's `^.*$` pattern.
export const Headers = Type.Record(Type.String(), HeaderValue, {
  propertyNames: HeaderName,
  additionalProperties: HeaderValue,
  maxProperties: 100,
  description: 'Extra request headers.',
});
