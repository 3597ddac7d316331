/**
 * `tsx test/support/pglite-template.make.ts <dir>`: creates a PGlite data directory at <dir> with every
 * migration applied, by starting the real app on it once. Run by pglite-template.setup.ts in a child
 * process: Vitest's module runner, which loads global setups, cannot load the app graph.
 */
import { buildApp } from '../../src/app.ts';
import { testConfig } from './app.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-template.make.ts <dir>');
const app = await buildApp({ config: testConfig({}, { driver: 'pglite', dir }) });
await app.ready();
await app.close();
