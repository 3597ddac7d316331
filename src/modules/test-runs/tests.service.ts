import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../shared/events/index.ts';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../../shared/http/index.ts';
import { queueCall } from '../../shared/redis/with-timeout.ts';
import type { EngineRegistryPort, ResultCachePort, ResultReadOptions, TestQueuePort } from './ports.ts';
import type {
  CreateTestBody,
  ListTestsQuery,
  TestListItem,
  TestResultView,
  TestView,
} from './tests.schemas.ts';
import type { Page, TestRepository, TestRow, Viewer } from './test.repository.ts';
import type { QuotaService } from './quota.service.ts';
import {
  checkSubmittedTarget,
  TargetRefusedError,
  TargetUnresolvedError,
} from '../../shared/outbound/index.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface TestsServiceDeps {
  tests: TestRepository;
  /** Writes a submitted test within the user's daily quota (and the active-tests limit). */
  quota: Pick<QuotaService, 'insert'>;
  registry: EngineRegistryPort;
  queue: Pick<TestQueuePort, 'enqueue'>;
  /** Optional read-through cache for stored results (the cache module's). */
  resultCache?: ResultCachePort;
  events: EventBus;
  log: Logger;
  maxActivePerUser: number;
  /** false: refuse loopback, private, link-local and metadata targets at submission (ALLOW_PRIVATE_TARGETS). */
  allowPrivateTargets: boolean;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toTestView(r: TestRow): TestView {
  return {
    testId: r.test_id,
    type: r.test_type,
    url: r.url,
    status: r.status,
    priority: r.priority,
    progress: r.progress,
    message: r.message,
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: iso(r.started_at),
    completedAt: iso(r.completed_at),
    retryCount: r.retry_count,
    attempts: r.attempts,
    error: r.error_message,
    options: r.config ?? {},
    scheduleId: r.schedule_id ?? null,
    tags: r.tags ?? [],
  };
}

/** A test as POST /api/tests takes it (and as a schedule saves it). */
export interface TestDefinition {
  type: string;
  url: string;
  options?: Record<string, unknown>;
  priority?: number;
  /** Labels (alert rules can be scoped by them); checked by the route's schema. */
  tags?: string[];
}

/** A definition that passed the checks: the URL normalized, the options with the engine's defaults. */
export interface ValidTestDefinition {
  type: string;
  url: string;
  options: Record<string, unknown>;
  priority: number;
  tags?: string[];
}

export interface SubmitOptions {
  /** The test id to use (a schedule picks it before submitting, so an interrupted submission can be finished). */
  testId?: string;
  scheduleId?: string | null;
}

const UNIQUE_VIOLATION = '23505';

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('url is not a valid URL', [
      { field: '/body/url', message: 'must be an absolute http(s) URL' },
    ]);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError('url must use http or https', [
      { field: '/body/url', message: 'must be an absolute http(s) URL' },
    ]);
  }
  if (parsed.username || parsed.password) {
    throw new ValidationError('url must not carry credentials', [
      { field: '/body/url', message: 'must not contain a user name or password' },
    ]);
  }
  return parsed.toString();
}

/**
 * Refuses a target the engines would refuse anyway (checked on the address the name resolves to), and a
 * name that does not resolve, so the user gets a 400 now instead of a test that fails later. Engines
 * check again on every connection and redirect.
 */
async function checkTarget(url: string, allowPrivateTargets: boolean): Promise<string> {
  try {
    await checkSubmittedTarget(url, allowPrivateTargets);
    return url;
  } catch (err) {
    if (err instanceof TargetUnresolvedError)
      throw new ValidationError(`url: ${err.message}`, [
        { field: '/body/url', message: `does not resolve (${err.dnsCode}); check the host name` },
      ]);
    if (!(err instanceof TargetRefusedError)) throw err;
    throw new ValidationError(err.message, [
      {
        field: '/body/url',
        message: 'is a loopback, private, link-local or metadata address, which this server does not test',
      },
    ]);
  }
}

/** Submitting and reading tests. Another user's test is a 404, whatever the route. */
export function createTestsService(deps: TestsServiceDeps) {
  const { tests, registry, queue, events, log } = deps;

  async function readResult(
    userId: string,
    testId: string,
    role: Viewer['role'] = 'user',
  ): Promise<TestResultView> {
    const found = await tests.getResult({ id: userId, role }, testId);
    if (!found) throw new NotFoundError(`No test ${testId}`);
    const { test, result } = found;
    if (!result) throw new NotFoundError(`Test ${testId} has no result yet (status: ${test.status})`);
    return {
      testId,
      type: test.test_type,
      url: test.url,
      passed: result.passed,
      score: result.score,
      summary: result.summary,
      metrics: result.metrics,
      findings: result.findings as TestResultView['findings'],
      details: result.details,
      completedAt: iso(test.completed_at),
    };
  }
  /**
   * The checks POST /api/tests makes, in its words (400 naming `/body/type`, `/body/url`,
   * `/body/options/…`). `resolveTarget: false` leaves out the DNS look-up and address check of the
   * target, which engines repeat on every connection anyway (a scheduled run whose name stopped
   * resolving then fails as a test instead of not running).
   */
  async function validate(
    body: TestDefinition,
    opts: { resolveTarget?: boolean } = {},
  ): Promise<ValidTestDefinition> {
    if (!registry.types().includes(body.type)) {
      throw new ValidationError(`Unknown test type "${body.type}"`, [
        { field: '/body/type', message: `must be one of: ${registry.types().join(', ')}` },
      ]);
    }
    const url =
      opts.resolveTarget === false
        ? checkUrl(body.url)
        : await checkTarget(checkUrl(body.url), deps.allowPrivateTargets);
    const options = registry.validate(body.type, body.options ?? {}) as Record<string, unknown>;
    return { type: body.type, url, options, priority: body.priority ?? 0, tags: body.tags ?? [] };
  }

  /**
   * Queues a validated test for `userId` within their daily quota and active-tests limit, as POST
   * /api/tests does: throws QuotaExceededError or TooManyRequestsError when refused. `existed` is true
   * when a test with the given id was already there (a submission finished twice stores one test).
   */
  async function submit(
    userId: string,
    def: ValidTestDefinition,
    opts: SubmitOptions = {},
  ): Promise<{ testId: string; status: 'queued'; existed: boolean }> {
    const testId = opts.testId ?? randomUUID();
    const { type, url, options, priority, tags = [] } = def;
    let row: TestRow | undefined;
    try {
      row = await deps.quota.insert(
        { testId, userId, type, url, options, priority, tags, scheduleId: opts.scheduleId ?? null },
        deps.maxActivePerUser,
      );
    } catch (err) {
      if (
        (err as { code?: unknown }).code === UNIQUE_VIOLATION &&
        opts.testId &&
        (await tests.ownerOf(testId))
      )
        return { testId, status: 'queued', existed: true };
      throw err;
    }
    if (!row)
      throw new TooManyRequestsError(
        `You already have ${deps.maxActivePerUser} queued or running tests; wait for some to finish`,
        5,
      );
    // After the commit. The row is the system of record: if the queue is unreachable now, the reconciler enqueues it later.
    await queueCall(queue.enqueue({ testId: row.test_id, priority })).catch((err: unknown) =>
      log.warn({ err, testId: row.test_id }, 'enqueue failed; the reconciler will retry'),
    );
    void events.publish('TestQueued', {
      testId: row.test_id,
      userId,
      type: row.test_type,
      url: row.url,
      priority,
    });
    return { testId: row.test_id, status: 'queued', existed: false };
  }

  return {
    validate,
    submit,

    async create(viewer: Viewer, body: CreateTestBody): Promise<{ testId: string; status: 'queued' }> {
      const { testId, status } = await submit(viewer.id, await validate(body));
      return { testId, status };
    },

    async get(viewer: Viewer, testId: string): Promise<TestView> {
      const row = await tests.getById(viewer, testId);
      if (!row) throw new NotFoundError(`No test ${testId}`);
      return toTestView(row);
    },

    async list(viewer: Viewer, q: ListTestsQuery): Promise<Page<TestListItem>> {
      const page = await tests.list(viewer, {
        status: q.status,
        type: q.type,
        scheduleId: q.scheduleId,
        search: q.search,
        limit: q.limit ?? 20,
        cursor: q.cursor,
      });
      return {
        items: page.items.map((r) => ({
          ...toTestView(r),
          score: r.score === null ? null : Number(r.score),
        })),
        nextCursor: page.nextCursor,
      };
    },

    /** Who owns a test (null when there is none). */
    ownerOf: (testId: string): Promise<string | null> => tests.ownerOf(testId),

    /**
     * The stored result; 404 until the test completed. Read through the result cache when there is one,
     * as the serialized body `serialize` makes (a hit is that body, sent as it is); `hit` says whether
     * the cache answered (null without a cache, which answers the object).
     */
    async getResult(
      viewer: Viewer,
      testId: string,
      serialize: (result: TestResultView) => string,
      options: ResultReadOptions = {},
    ): Promise<{ result: TestResultView; hit: null } | { body: string; hit: boolean }> {
      if (!deps.resultCache) return { result: await readResult(viewer.id, testId, viewer.role), hit: null };
      const source = { read: readResult, ownerOf: tests.ownerOf, serialize };
      return deps.resultCache.read(viewer, testId, source, options);
    },
  };
}

export type TestsService = ReturnType<typeof createTestsService>;
