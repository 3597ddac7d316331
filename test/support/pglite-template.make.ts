/**
 * `tsx test/support/pglite-template.make.ts <dir>`: creates a PGlite data directory at <dir> with every
 * migration applied and nothing else (no app starts on it, so no module writes a row a suite would then
 * inherit: instances, samples, leases). Run by pglite-template.setup.ts in a child process: Vitest's module
 * runner, which loads global setups, cannot load the app graph.
 */
import { createDatabase, migrate } from '../../src/shared/db/index.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-template.make.ts <dir>');
const database = await createDatabase({ driver: 'pglite', dir });
await migrate(database);
await database.close();
