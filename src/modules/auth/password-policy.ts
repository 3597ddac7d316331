import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { ValidationError } from '../../shared/http/index.ts';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * zxcvbn runs on the event loop and its cost grows steeply with length and with characters that have
 * l33t substitutes (a 256-character `aB3$…` took over a second with the defaults). It scores the first 64
 * characters with at most 10 substitutions (the worst input measured about 30 ms; a typical password 3–10
 * ms); characters past that are not held against a password, so capping only underestimates strength.
 */
const SCORED_LENGTH = 64;
const L33T_MAX_SUBSTITUTIONS = 10;
const FALLBACK_SUGGESTION = 'Add more words that are less common.';

/** How the policy judges a password, for a meter beside the input (POST /api/auth/password/strength). */
export interface PasswordStrength {
  /** zxcvbn's 0–4 (0 also for a password outside the length limits). */
  score: number;
  /** PASSWORD_MIN_SCORE: the score registration, reset and change need. */
  minScore: number;
  /** Whether register, reset and change would take it (length and score). */
  acceptable: boolean;
  /** Why it is weak, in zxcvbn's words (or the length rule); null when nothing is wrong. */
  warning: string | null;
  suggestions: string[];
}

export interface PasswordPolicy {
  /**
   * Throws a ValidationError naming `field` when the password is too short, too long or too easy to guess
   * (zxcvbn score below the minimum). `email` counts as something an attacker knows.
   */
  check(password: string, context?: { email?: string; field?: string }): void;
  /** The same judgement as `check`, as data instead of an error. */
  strength(password: string, context?: { email?: string }): PasswordStrength;
}

let shared: ZxcvbnFactory | undefined;

/**
 * The estimator with the common and English dictionaries (passwords, words, names, keyboard patterns).
 * Ranking the dictionaries takes 50–100 ms, so it is built once per process, on first use, and shared: it
 * is immutable data and connects to nothing.
 */
function estimator(): ZxcvbnFactory {
  shared ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: SCORED_LENGTH,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
  });
  return shared;
}

/** `jane.doe@example.com` → the address, `jane.doe`, `example.com`, `jane`, `doe`, `example`: zxcvbn matches whole entries. */
function personalWords(email: string | undefined): string[] {
  if (!email) return [];
  const address = email.trim().toLowerCase();
  const [local = '', domain = ''] = address.split('@');
  const words = [address, local, domain, ...local.split(/[._+-]+/), ...domain.split('.').slice(0, -1)];
  return [...new Set(words.filter((w) => w.length >= 3))];
}

function tooWeak(
  field: string,
  score: number,
  minScore: number,
  warning: string | null,
  suggestions: string[],
): ValidationError {
  const advice = [warning, ...(suggestions.length ? suggestions : [FALLBACK_SUGGESTION])]
    .filter(Boolean)
    .join(' ');
  return new ValidationError(
    `Password is too easy to guess (strength ${score} of 4, at least ${minScore} needed). ${advice}`,
    [{ field, message: `is too easy to guess: ${advice}` }],
  );
}

export function createPasswordPolicy({ minScore }: { minScore: number }): PasswordPolicy {
  return {
    check(password, { email, field = '/body/password' } = {}) {
      const length = [...password].length;
      if (length < MIN_PASSWORD_LENGTH) {
        throw new ValidationError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`, [
          { field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` },
        ]);
      }
      if (length > MAX_PASSWORD_LENGTH) {
        throw new ValidationError(`Password must be at most ${MAX_PASSWORD_LENGTH} characters`, [
          { field, message: `must be at most ${MAX_PASSWORD_LENGTH} characters` },
        ]);
      }
      const { score, feedback } = estimator().check(password, personalWords(email));
      if (score < minScore) throw tooWeak(field, score, minScore, feedback.warning, feedback.suggestions);
    },
    strength(password, { email } = {}) {
      const length = [...password].length;
      if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
        const bound =
          length < MIN_PASSWORD_LENGTH ? `at least ${MIN_PASSWORD_LENGTH}` : `at most ${MAX_PASSWORD_LENGTH}`;
        return {
          score: 0,
          minScore,
          acceptable: false,
          warning: `Password must be ${bound} characters`,
          suggestions: [],
        };
      }
      const { score, feedback } = estimator().check(password, personalWords(email));
      const acceptable = score >= minScore;
      const suggestions =
        feedback.suggestions.length || acceptable ? feedback.suggestions : [FALLBACK_SUGGESTION];
      return { score, minScore, acceptable, warning: feedback.warning || null, suggestions };
    },
  };
}
