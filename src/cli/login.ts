import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { readCredential, removeCredential, storeCredential } from './credentials.ts';

export const DEFAULT_SERVER = 'http://localhost:3001';
/** What `testweb login` asks for: enough to submit and follow tests, nothing more (docs/CLI.md). */
export const CLI_TOKEN_SCOPES = ['tests:read', 'tests:write'];

export const LOGIN_USAGE = `Usage: testweb login [--server <url>] [--email <address>] [--name <token name>] [--code <123456>]
       testweb logout [--server <url>]

login signs in with your e-mail and password (and a TOTP code when the account has MFA), creates a
personal API token with the scopes tests:read and tests:write, and stores it for that server in
$XDG_CONFIG_HOME/testweb/credentials.json (~/.config/testweb/credentials.json), mode 0600.
testweb run then uses it. logout revokes the stored token on the server and removes it from the file.

The password comes from TESTWEB_PASSWORD, else from standard input when it is not a terminal (first
line; a second line is the TOTP code if asked), else it is asked without echo.
--server defaults to TESTWEB_SERVER, else ${DEFAULT_SERVER}.`;

export interface LoginIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Standard input is a terminal: ask questions there. */
  interactive: boolean;
  /** The lines of standard input when it is not a terminal (read once, on first need). */
  readStdin(): Promise<string[]>;
  ask(question: string, secret: boolean): Promise<string>;
}

class UsageError extends Error {}

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T>(
  server: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

function serverOf(given: string | undefined, env: LoginIo['env']): string {
  const server = (given ?? env.TESTWEB_SERVER ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(server)) throw new UsageError('--server must be an http(s) URL');
  return server;
}

/** The next answer: from stdin's lines when piped, else asked on the terminal; '' when there is none. */
function answers(io: LoginIo) {
  let lines: string[] | null = null;
  return async (question: string, secret: boolean): Promise<string> => {
    if (io.interactive) return (await io.ask(question, secret)).trim();
    lines ??= await io.readStdin();
    return (lines.shift() ?? '').trim();
  };
}

type Tokens = { accessToken: string };
type LoginBody = Partial<Tokens> & { mfaRequired?: boolean; mfaToken?: string; detail?: string };

async function signIn(server: string, email: string, password: string, code: () => Promise<string>) {
  const login = await call<LoginBody>(server, 'POST', '/api/auth/login', undefined, { email, password });
  if (login.status !== 200)
    throw new Error(`sign-in refused (${login.status}): ${login.body.detail ?? 'no detail'}`);
  if (!login.body.mfaRequired) return login.body.accessToken!;
  const totp = await code();
  if (!totp)
    throw new UsageError('this account has MFA: give the code with --code, on stdin, or at the prompt');
  const verify = await call<LoginBody>(server, 'POST', '/api/auth/mfa/verify', undefined, {
    mfaToken: login.body.mfaToken,
    code: totp,
  });
  if (verify.status !== 200)
    throw new Error(`MFA code refused (${verify.status}): ${verify.body.detail ?? 'no detail'}`);
  return verify.body.accessToken!;
}

async function login(argv: string[], io: LoginIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      code: { type: 'string' },
    },
  });
  const server = serverOf(values.server, io.env);
  const next = answers(io);
  const email = values.email?.trim() || (io.interactive ? await next('E-mail: ', false) : '');
  if (!email) throw new UsageError('give --email (standard input is not a terminal)');
  const password = io.env.TESTWEB_PASSWORD ?? (await next('Password: ', true));
  if (!password)
    throw new UsageError('no password: set TESTWEB_PASSWORD, pipe it on stdin, or run in a terminal');
  const access = await signIn(
    server,
    email,
    password,
    async () => values.code?.trim() || next('TOTP code: ', false),
  );
  const name = (values.name?.trim() || `testweb CLI on ${hostname()}`).slice(0, 100);
  const created = await call<{ id?: string; token?: string; prefix?: string; detail?: string }>(
    server,
    'POST',
    '/api/auth/tokens',
    access,
    { name, scopes: CLI_TOKEN_SCOPES },
  );
  if (created.status !== 201 || !created.body.token || !created.body.id)
    throw new Error(
      `the server refused to create a token (${created.status}): ${created.body.detail ?? 'no detail'}`,
    );
  const file = await storeCredential(
    server,
    { token: created.body.token, tokenId: created.body.id, email, createdAt: new Date().toISOString() },
    io.env,
  );
  // The sign-in was only needed to create the token: its session is ended, not left for 30 days.
  await call(server, 'POST', '/api/auth/logout', access).catch(() => undefined);
  io.out(
    `Logged in to ${server} as ${email}: token ${created.body.prefix}… (tests:read, tests:write) saved in ${file}\n`,
  );
  return 0;
}

async function logout(argv: string[], io: LoginIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { server: { type: 'string' } } });
  const server = serverOf(values.server, io.env);
  const stored = await readCredential(server, io.env);
  if (!stored) {
    io.err(`testweb logout: no stored token for ${server}\n`);
    return 1;
  }
  const res = await call<{ detail?: string }>(server, 'DELETE', '/api/auth/tokens/current', stored.token);
  // 401: already revoked or expired on the server; the entry is removed all the same.
  if (res.status !== 204 && res.status !== 401)
    throw new Error(`the server did not revoke the token (${res.status}): ${res.body.detail ?? 'no detail'}`);
  await removeCredential(server, io.env);
  io.out(`Logged out of ${server}: the token is revoked and removed\n`);
  return 0;
}

/** `testweb login` and `testweb logout`: exit 0 done, 1 refused or failed, 2 usage error. */
export async function accountCommand(
  command: 'login' | 'logout',
  argv: string[],
  io: LoginIo,
): Promise<number> {
  try {
    return await (command === 'login' ? login(argv, io) : logout(argv, io));
  } catch (err) {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(
      `testweb ${command}: ${err instanceof Error ? err.message : String(err)}\n${usage ? `\n${LOGIN_USAGE}\n` : ''}`,
    );
    return usage ? 2 : 1;
  }
}

/** The real terminal and standard input. */
export function processIo(): LoginIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    interactive: process.stdin.isTTY === true,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
    },
    async ask(question, secret) {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      if (secret) {
        // Show the question, not what is typed.
        const internal = rl as unknown as { _writeToOutput(s: string): void };
        internal._writeToOutput = (s: string) =>
          void (s.startsWith(question) && process.stderr.write(question));
      }
      try {
        return await rl.question(question);
      } finally {
        if (secret) process.stderr.write('\n');
        rl.close();
      }
    },
  };
}
