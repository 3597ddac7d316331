import type { Resource } from 'i18next';
import { locales as account } from '../features/account/locales';
import { locales as admin } from '../features/admin/locales';
import { locales as alerts } from '../features/alerts/locales';
import { locales as auth } from '../features/auth/locales';
import { locales as notifications } from '../features/notifications/locales';
import { locales as schedules } from '../features/schedules/locales';
import { locales as tests } from '../features/tests/locales';
import { locales as testView } from '../features/test-view/locales';
import { common } from '../lib/i18n/common';

const namespaces = { common, auth, tests, testView, schedules, alerts, notifications, account, admin };

/** Every namespace in English and Simplified Chinese (the languages of the e-mails). */
export function resources(): Resource {
  const out: Resource = { en: {}, 'zh-CN': {} };
  for (const [ns, byLang] of Object.entries(namespaces)) {
    out.en![ns] = byLang.en;
    out['zh-CN']![ns] = byLang['zh-CN'];
  }
  return out;
}
