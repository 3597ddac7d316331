import type { UserLocale } from '../../../shared/db/index.ts';

/** Every fixed string of every e-mail, per locale. A new locale is one more entry with the same keys. */
export interface Messages {
  openLink: string;
  /** The notification type names readers see (unknown types are shown as they are). */
  types: Record<string, string>;
  footer: (typeName: string) => string;
  footerWhere: (url: string) => string;
}

const en: Messages = {
  openLink: 'Open in TestWeb',
  types: {
    test_completed: 'Test completed',
    test_failed: 'Test failed',
    alert_triggered: 'Alert triggered',
    system_update: 'System update',
    quota_warning: 'Quota warning',
  },
  footer: (type) => `You receive this e-mail because e-mail notifications for “${type}” are on.`,
  footerWhere: (url) => `Change this in TestWeb under Settings → Notifications: ${url}`,
};

const zhCN: Messages = {
  openLink: '在 TestWeb 中查看',
  types: {
    test_completed: '测试完成',
    test_failed: '测试失败',
    alert_triggered: '告警触发',
    system_update: '系统更新',
    quota_warning: '配额提醒',
  },
  footer: (type) => `您收到这封邮件，是因为您开启了“${type}”的邮件通知。`,
  footerWhere: (url) => `可在 TestWeb 的“设置 → 通知”中修改：${url}`,
};

export const MESSAGES: Record<UserLocale, Messages> = { en, 'zh-CN': zhCN };

export function messagesFor(locale: UserLocale): Messages {
  return MESSAGES[locale] ?? en;
}
