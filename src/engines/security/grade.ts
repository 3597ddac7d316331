import { cookiesTest, parseCookie, splitSetCookie, type CookieFacts } from './cookie-test.ts';
import { cspTest, type CspPolicy } from './csp-test.ts';
import {
  corsFacts,
  corsTest,
  crossOriginResourcePolicyTest,
  hstsTest,
  referrerPolicyTest,
  xContentTypeOptionsTest,
  xFrameOptionsTest,
  type CorsFacts,
  type HstsFacts,
} from './header-tests.ts';
import { gradeFor, observatoryScore } from './observatory-scoring.ts';
import {
  redirectionTest,
  scriptsOf,
  sriTest,
  type HttpRedirectFacts,
  type ScriptFacts,
} from './page-tests.ts';
import type { ResponseFacts, TestOutcome } from './test-outcome.ts';

export interface GradeInput extends ResponseFacts {
  body: string;
  /** How the plain-http URL of the site answered (see redirectionTest). */
  redirect: HttpRedirectFacts;
  httpUrl: URL;
}

export interface Grade {
  score: number;
  grade: string;
  tests: TestOutcome[];
  csp: CspPolicy | null;
  hsts: HstsFacts | null;
  cors: CorsFacts;
  cookies: CookieFacts[];
  scripts: ScriptFacts[];
}

/** Runs the Observatory's ten tests on one response and grades it with the Observatory's scoring. */
export function gradeResponse(input: GradeInput): Grade {
  const csp = cspTest(input);
  const hsts = hstsTest(input);
  const cookies = input.headers['set-cookie']
    ? splitSetCookie(input.headers['set-cookie']).map(parseCookie)
    : [];
  const cors = corsFacts(input.headers);
  const contentType = input.headers['content-type'] ?? '';
  const scripts = /html/i.test(contentType) ? scriptsOf(input.body, input.url) : [];
  const tests = [
    csp.outcome,
    cookiesTest(cookies, hsts.outcome.pass),
    corsTest(cors),
    redirectionTest(input.redirect, input.httpUrl),
    referrerPolicyTest(input),
    hsts.outcome,
    sriTest(contentType, scripts),
    xContentTypeOptionsTest(input),
    xFrameOptionsTest(input, csp.policy),
    crossOriginResourcePolicyTest(input),
  ];
  const score = observatoryScore(tests.map((t) => t.modifier));
  return { score, grade: gradeFor(score), tests, csp: csp.policy, hsts: hsts.hsts, cors, cookies, scripts };
}
