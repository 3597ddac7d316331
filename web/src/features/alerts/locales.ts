/** The alerts namespace (useTranslation('alerts')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Alerts' },
  'zh-CN': { title: 'alerts' },
};
