/** The account namespace (useTranslation('account')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Account' },
  'zh-CN': { title: 'account' },
};
