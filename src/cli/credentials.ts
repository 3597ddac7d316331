import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** What `testweb login` keeps per server: the API token and what `logout` and `run` need to know of it. */
export interface StoredCredential {
  token: string;
  tokenId: string;
  email: string;
  createdAt: string;
}

interface CredentialsFile {
  servers: Record<string, StoredCredential>;
}

type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/testweb/credentials.json`, else `~/.config/testweb/credentials.json`. */
export function credentialsPath(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(env.HOME?.trim() || homedir(), '.config');
  return path.join(base, 'testweb', 'credentials.json');
}

/** A server's key in the file: its base URL without a trailing slash, lower-cased scheme and host. */
export function serverKey(server: string): string {
  const u = new URL(server);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

async function load(file: string): Promise<CredentialsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<CredentialsFile>;
  return { servers: parsed.servers && typeof parsed.servers === 'object' ? parsed.servers : {} };
}

/**
 * Written to a temporary file created with mode 0600 in a directory of mode 0700, then renamed over the
 * old one: the token is never readable by others, not even for a moment, and a crash leaves the old file.
 */
async function save(file: string, content: CredentialsFile): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

export async function readCredential(
  server: string,
  env: Env = process.env,
): Promise<StoredCredential | null> {
  return (await load(credentialsPath(env))).servers[serverKey(server)] ?? null;
}

export async function storeCredential(server: string, credential: StoredCredential, env: Env = process.env) {
  const file = credentialsPath(env);
  const content = await load(file);
  content.servers[serverKey(server)] = credential;
  await save(file, content);
  return file;
}

/** Removes the server's entry; false when there was none. */
export async function removeCredential(server: string, env: Env = process.env): Promise<boolean> {
  const file = credentialsPath(env);
  const content = await load(file);
  const key = serverKey(server);
  if (!content.servers[key]) return false;
  delete content.servers[key];
  await save(file, content);
  return true;
}
