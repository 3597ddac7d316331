/**
 * The load side of bench/api-tests, in its own process: submits `n` api tests over HTTP (POST /api/tests,
 * keep-alive, `connections` at once, round-robin over the accounts' tokens) against the fixture's URL.
 * Reports `{ type: 'submitted', first, last, accepted, refused, cpuUs }`.
 */
import { Agent, request } from 'undici';

interface Job {
  type: 'run';
  port: number;
  tokens: string[];
  target: string;
  n: number;
  connections: number;
}

async function run(job: Job): Promise<void> {
  const agent = new Agent({ connections: job.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const origin = `http://127.0.0.1:${job.port}`;
  const body = JSON.stringify({
    type: 'api',
    url: job.target,
    options: { method: 'GET', assertions: [{ source: 'status', comparison: 'equals', target: 200 }] },
  });
  const cpu0 = process.cpuUsage();
  let next = 0;
  let accepted = 0;
  let refused = 0;
  let firstRefusal = '';
  const first = Date.now();
  const worker = async () => {
    while (next < job.n) {
      const i = next++;
      const res = await request(`${origin}/api/tests`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${job.tokens[i % job.tokens.length]}`,
          'content-type': 'application/json',
        },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode === 202) accepted++;
      else {
        refused++;
        firstRefusal ||= `${res.statusCode} ${text.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, worker));
  const { user, system } = process.cpuUsage(cpu0);
  await agent.close();
  process.send!({
    type: 'submitted',
    first,
    last: Date.now(),
    accepted,
    refused,
    firstRefusal,
    cpuUs: user + system,
  });
}

process.on('message', (m: Job | { type: 'stop' }) => {
  if (m.type === 'run') void run(m);
  else process.exit(0);
});
process.send!({ type: 'ready' });
