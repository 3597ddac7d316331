/** The notifications namespace (useTranslation('notifications')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Notifications' },
  'zh-CN': { title: 'notifications' },
};
