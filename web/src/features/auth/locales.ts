/** The auth namespace (useTranslation('auth')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Auth' },
  'zh-CN': { title: 'auth' },
};
