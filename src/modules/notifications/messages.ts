import type { UserLocale } from '../../shared/db/index.ts';

/** A notification's text in the user's language. */
export interface MessageText {
  title: string;
  content: string | null;
}

const TITLE_MAX = 255;
const CONTENT_MAX = 5000;

/** Titles are a column of 255 characters; a long URL is cut with an ellipsis rather than refused. */
export function fit(text: MessageText): MessageText {
  const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  return { title: cut(text.title, TITLE_MAX), content: text.content && cut(text.content, CONTENT_MAX) };
}

export interface TestOutcome {
  type: string;
  url: string;
  passed: boolean | null;
  score: number | null;
  error: string | null;
}

interface Catalog {
  completed(t: TestOutcome): MessageText;
  checksFailed(t: TestOutcome): MessageText;
  errored(t: TestOutcome): MessageText;
  quota(used: number, quota: number, resetsAt: string): MessageText;
}

interface Words {
  score: string;
  open: string;
  close: string;
  stop: string;
}

/** "All checks passed (score 92)." — the score only where the engine gives one; null when there is nothing to say. */
function sentence(base: string | null, score: number | null, w: Words): string | null {
  if (base === null) return score === null ? null : `${w.score} ${score}${w.stop}`;
  return score === null
    ? `${base}${w.stop}`
    : `${base}${w.open}${w.score.toLowerCase()} ${score}${w.close}${w.stop}`;
}

const EN: Words = { score: 'Score', open: ' (', close: ')', stop: '.' };
const ZH: Words = { score: '得分', open: '（', close: '）', stop: '。' };

const en: Catalog = {
  completed: (t) => ({
    title: `Test completed: ${t.type} ${t.url}`,
    content: sentence(t.passed === true ? 'All checks passed' : null, t.score, EN),
  }),
  checksFailed: (t) => ({
    title: `Test failed: ${t.type} ${t.url}`,
    content: sentence('The checks did not pass', t.score, EN),
  }),
  errored: (t) => ({ title: `Test failed: ${t.type} ${t.url}`, content: `Error: ${t.error}` }),
  quota: (used, quota, resetsAt) => ({
    title: `Daily test quota: ${used} of ${quota} used`,
    content: `New tests are refused at ${quota}. The quota resets at ${resetsAt}.`,
  }),
};

const zhCN: Catalog = {
  completed: (t) => ({
    title: `测试完成：${t.type} ${t.url}`,
    content: sentence(t.passed === true ? '全部检查通过' : null, t.score, ZH),
  }),
  checksFailed: (t) => ({
    title: `测试失败：${t.type} ${t.url}`,
    content: sentence('检查未通过', t.score, ZH),
  }),
  errored: (t) => ({ title: `测试失败：${t.type} ${t.url}`, content: `错误：${t.error}` }),
  quota: (used, quota, resetsAt) => ({
    title: `每日测试配额：已用 ${used} / ${quota}`,
    content: `达到 ${quota} 后将拒绝新的测试。配额于 ${resetsAt} 重置。`,
  }),
};

const CATALOGS: Record<UserLocale, Catalog> = { en, 'zh-CN': zhCN };

export const messagesFor = (locale: UserLocale): Catalog => CATALOGS[locale] ?? en;
