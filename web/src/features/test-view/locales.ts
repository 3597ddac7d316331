/** The testView namespace (useTranslation('testView')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Test' },
  'zh-CN': { title: '测试' },
};
