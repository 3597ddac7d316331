/** The schedules namespace (useTranslation('schedules')), English and Simplified Chinese with the same keys. */
export const locales = {
  en: { title: 'Schedules' },
  'zh-CN': { title: 'schedules' },
};
