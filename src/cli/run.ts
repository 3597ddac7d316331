import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readCredential } from './credentials.ts';

/** Exit codes of `testweb run`: CI reads them. */
export const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

export const RUN_USAGE = `Usage: testweb run <type> <url> [options]

Submits a test to a TestWeb server, shows its progress and prints the result.
Exit code: 0 passed, 1 failed (thresholds, assertions, errors or cancelled), 2 usage error.

Options:
  --options <file.json>   engine options (alias: --config)
  --priority <0-10>       queue priority, higher runs sooner (default 0)
  --server <url>          server base URL (default TESTWEB_SERVER, else http://localhost:3001)
  --token <token>         personal API token (tw_…) or access token; default TESTWEB_TOKEN,
                          else the token \`testweb login\` stored for the server (docs/CLI.md)
  --timeout <seconds>     give up waiting after this long (default 3600)
  --json                  print the result as JSON instead of a summary`;

interface Io {
  out(text: string): void;
  err(text: string): void;
  isTty: boolean;
}

class UsageError extends Error {}

interface TestView {
  testId: string;
  status: string;
  progress: number;
  message: string | null;
  error: string | null;
}

interface ResultView {
  passed: boolean | null;
  score: number | null;
  summary: string;
  metrics: Record<string, number>;
  findings: Array<{ severity: string; title: string }>;
}

async function parse(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      options: { type: 'string' },
      config: { type: 'string' },
      priority: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string', default: '3600' },
      json: { type: 'boolean', default: false },
    },
  });
  const [type, url, ...rest] = positionals;
  if (!type || !url || rest.length) throw new UsageError('expected exactly <type> and <url>');
  const file = values.options ?? values.config;
  let options: unknown = {};
  if (file) {
    const text = await readFile(file, 'utf8').catch(() => {
      throw new UsageError(`cannot read ${file}`);
    });
    try {
      options = JSON.parse(text) as unknown;
    } catch {
      throw new UsageError(`${file} is not valid JSON`);
    }
  }
  const priority = values.priority === undefined ? undefined : Number(values.priority);
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > 10))
    throw new UsageError('--priority must be an integer 0–10');
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const server = (values.server ?? process.env.TESTWEB_SERVER ?? 'http://localhost:3001').replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(server)) throw new UsageError('--server must be an http(s) URL');
  // --token, then TESTWEB_TOKEN (CI), then what `testweb login` stored for this server.
  const token = values.token ?? (process.env.TESTWEB_TOKEN?.trim() || (await readCredential(server))?.token);
  return {
    type,
    url,
    options,
    priority,
    server,
    token,
    timeoutMs: timeoutS * 1000,
    json: values.json,
  };
}

type Args = Awaited<ReturnType<typeof parse>>;

async function call<T>(
  a: Args,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (a.token) headers.authorization = `Bearer ${a.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${a.server}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

function bar(percent: number, width = 30): string {
  const filled = Math.round((percent / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%`;
}

async function follow(a: Args, testId: string, io: Io): Promise<TestView> {
  const deadline = Date.now() + a.timeoutMs;
  let shown = '';
  for (;;) {
    const { status, body } = await call<TestView>(a, 'GET', `/api/tests/${testId}`);
    if (status !== 200) throw new Error(`GET /api/tests/${testId} answered ${status}`);
    const line = `${bar(body.progress)} ${body.status}${body.message ? ` · ${body.message}` : ''}`;
    if (line !== shown) {
      if (io.isTty) io.err(`\r\x1b[2K${line.slice(0, 120)}`);
      else io.err(`${line}\n`);
      shown = line;
    }
    if (['completed', 'failed', 'cancelled'].includes(body.status)) {
      if (io.isTty) io.err('\n');
      return body;
    }
    if (Date.now() > deadline)
      throw new Error(
        `gave up after ${a.timeoutMs / 1000} s; the test ${testId} keeps running on the server`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

function printResult(r: ResultView, io: Io): void {
  io.out(`${r.summary}\n`);
  if (r.score !== null) io.out(`score: ${r.score}\n`);
  for (const [name, value] of Object.entries(r.metrics)) io.out(`  ${name}: ${value}\n`);
  if (r.findings.length) io.out(`findings: ${r.findings.length}\n`);
  for (const f of r.findings.slice(0, 20)) io.out(`  [${f.severity}] ${f.title}\n`);
  io.out(r.passed === false ? 'FAILED\n' : 'PASSED\n');
}

async function execute(a: Args, io: Io): Promise<number> {
  const submit = await call<{
    testId?: string;
    detail?: string;
    errors?: Array<{ field: string; message: string }>;
  }>(a, 'POST', '/api/tests', {
    type: a.type,
    url: a.url,
    options: a.options,
    ...(a.priority === undefined ? {} : { priority: a.priority }),
  });
  if (submit.status !== 202 || !submit.body.testId) {
    io.err(
      `testweb run: the server refused the test (${submit.status}): ${submit.body.detail ?? 'no detail'}\n`,
    );
    for (const e of submit.body.errors ?? []) io.err(`  ${e.field} ${e.message}\n`);
    if (submit.status === 401) io.err('  sign in with `testweb login`, or give --token / TESTWEB_TOKEN\n');
    return submit.status === 400 || submit.status === 401 ? EXIT.usage : EXIT.failed;
  }
  const testId = submit.body.testId;
  io.err(`test ${testId} queued\n`);
  const final = await follow(a, testId, io);
  if (final.status !== 'completed') {
    io.err(`test ${final.status}${final.error ? `: ${final.error}` : ''}\n`);
    return EXIT.failed;
  }
  const result = await call<ResultView>(a, 'GET', `/api/tests/${testId}/result`);
  if (result.status !== 200) throw new Error(`GET /api/tests/${testId}/result answered ${result.status}`);
  if (a.json) io.out(`${JSON.stringify(result.body, null, 2)}\n`);
  else printResult(result.body, io);
  return result.body.passed === false ? EXIT.failed : EXIT.passed;
}

/** `testweb run <type> <url>`: submit, follow with a progress bar, print the result, exit by outcome. */
export async function runTestCommand(argv: string[], io: Io): Promise<number> {
  let args: Args;
  try {
    args = await parse(argv);
  } catch (err) {
    io.err(`testweb run: ${err instanceof Error ? err.message : String(err)}\n\n${RUN_USAGE}\n`);
    return EXIT.usage;
  }
  try {
    return await execute(args, io);
  } catch (err) {
    io.err(`testweb run: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}
