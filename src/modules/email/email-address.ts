import { ValidationError } from '../../shared/http/index.ts';

const MAX_ADDRESS = 254; // RFC 5321's limit on a forward path, less the angle brackets

// One bare address: no display name, no list, no comment, no quoting, nothing that could end a header line.
const FORBIDDEN = /[\s,;:<>()[\]"\\\p{Cc}\u2028\u2029]/u;
const LOCAL = /^(?!\.)(?!.*\.\.)[^@]{1,64}(?<!\.)$/u;
const DOMAIN_LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

function isAddress(address: string): boolean {
  const at = address.indexOf('@');
  if (at < 1 || at !== address.lastIndexOf('@')) return false;
  if (address.length > MAX_ADDRESS || FORBIDDEN.test(address)) return false;
  const domain = address.slice(at + 1);
  return LOCAL.test(address.slice(0, at)) && domain.split('.').every((l) => DOMAIN_LABEL.test(l));
}

/** The recipient, trimmed, when it is one `local@domain` address; else a ValidationError naming `to`. */
export function validRecipient(to: unknown): string {
  const address = typeof to === 'string' ? to.trim() : '';
  if (!isAddress(address)) {
    throw new ValidationError('the recipient is not one e-mail address', [
      { field: '/to', message: 'must be one address such as name@example.com' },
    ]);
  }
  return address;
}

/** The domain of MAIL_FROM (`Name <local@domain>` or `local@domain`), which names this sender's Message-IDs. */
export function senderDomain(from: string): string {
  const address = /<([^<>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost';
}
