// Module loader hooks (module.register) that append every URL the ESM loader loads to a file, one a line.
// Synchronous writes, so the list is complete once the import that caused the loads has settled.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, next) {
  appendFileSync(file, `${url}\n`);
  return next(url, context);
}
