import { describe, expect, it } from 'vitest';
import { common } from '../../web/src/lib/i18n/common.ts';
import { locales as account } from '../../web/src/features/account/locales.ts';
import { locales as admin } from '../../web/src/features/admin/locales.ts';
import { locales as alerts } from '../../web/src/features/alerts/locales.ts';
import { locales as auth } from '../../web/src/features/auth/locales.ts';
import { locales as notifications } from '../../web/src/features/notifications/locales.ts';
import { locales as schedules } from '../../web/src/features/schedules/locales.ts';
import { locales as tests } from '../../web/src/features/tests/locales.ts';
import { locales as testView } from '../../web/src/features/test-view/locales.ts';

const NAMESPACES = { common, account, admin, alerts, auth, notifications, schedules, tests, testView };

/** Every key path of a nested object of strings: `nav.tests`, … */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('the dashboard translations', () => {
  it.each(Object.entries(NAMESPACES))('has the same keys in English and Chinese in %s', (_ns, byLang) => {
    expect(keys(byLang['zh-CN']).sort()).toEqual(keys(byLang.en).sort());
  });

  it.each(Object.entries(NAMESPACES))('leaves no Chinese text empty in %s', (_ns, byLang) => {
    const empty = keys(byLang['zh-CN']).filter((k) => {
      const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], byLang['zh-CN']);
      return typeof v !== 'string' || v.trim() === '';
    });
    expect(empty).toEqual([]);
  });
});
