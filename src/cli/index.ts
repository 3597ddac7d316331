import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { createDatabase, migrate } from '../shared/db/index.ts';

const USAGE = `Usage: testweb <command> [options]

Commands:
  serve [--no-worker]   Start the HTTP API (port from PORT, default 3001) and, unless --no-worker, a queue worker
  worker                Run a queue worker only (services mode: several machines share one Redis and PostgreSQL)
  migrate               Apply database migrations and exit
  run <type> <url>      Submit a test to a server, follow its progress, print the result (testweb run --help)
  login | logout        Store (or revoke) a personal API token for a server, used by run (testweb login --help)

Configuration comes from environment variables; see README.md.`;

async function runMigrate(): Promise<number> {
  const { config } = loadConfig();
  const database = await createDatabase(config.database);
  try {
    const applied = await migrate(database);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'login' || argv[0] === 'logout') {
    const { accountCommand, processIo, LOGIN_USAGE } = await import('./login.ts');
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(LOGIN_USAGE);
      return 0;
    }
    return accountCommand(argv[0], argv.slice(1), processIo());
  }
  if (argv[0] === 'run') {
    const { runTestCommand, RUN_USAGE } = await import('./run.ts');
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(RUN_USAGE);
      return 0;
    }
    return runTestCommand(argv.slice(1), {
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
      isTty: process.stderr.isTTY === true,
    });
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { help: { type: 'boolean', short: 'h' }, 'no-worker': { type: 'boolean' } },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'serve': {
      const { startServer } = await import('../server.ts');
      await startServer(loadConfig(), { worker: values['no-worker'] !== true });
      return -1; // keep running
    }
    case 'worker': {
      const { startWorker } = await import('../worker.ts');
      await startWorker(loadConfig());
      return -1;
    }
    case 'migrate':
      return runMigrate();
    default:
      console.error(`testweb: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`testweb: configuration error: ${err.message}`);
    else console.error(`testweb: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
