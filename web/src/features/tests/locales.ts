/** The tests namespace (useTranslation('tests')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Tests' },
  'zh-CN': { title: '测试' },
};
