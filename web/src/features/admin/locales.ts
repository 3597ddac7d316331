/** The admin namespace (useTranslation('admin')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Admin' },
  'zh-CN': { title: 'admin' },
};
