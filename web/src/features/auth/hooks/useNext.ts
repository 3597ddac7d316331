import { useSearchParams } from 'react-router';
import { paths } from '../../../lib/paths';

/**
 * Where to go after signing in: `?next=` when it is a path of this site (never another origin: `//x`,
 * `/\x` and absolute URLs are refused), else the tests.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return paths.tests;
  return next;
}

export function useNext(): string {
  const [params] = useSearchParams();
  return safeNext(params.get('next'));
}
