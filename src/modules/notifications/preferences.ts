import type { NotificationType } from '../../shared/db/index.ts';

export type { NotificationType };

export const NOTIFICATION_TYPES = [
  'test_completed',
  'test_failed',
  'alert_triggered',
  'system_update',
  'quota_warning',
] as const satisfies readonly NotificationType[];

export const CHANNELS = ['in_app', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export type ChannelSwitches = Record<Channel, boolean>;
export type Categories = Record<NotificationType, ChannelSwitches>;
/** What a user stored: only the switches they set (the rest follow the defaults). */
export type StoredCategories = Partial<Record<string, Partial<Record<string, boolean>>>>;

/** Every user's preferences as the API shows them: the master switches and every type × channel. */
export interface Preferences {
  /** Master switch of the e-mail channel. */
  emailEnabled: boolean;
  /** Master switch of the in-app channel (the seed's push_enabled). */
  pushEnabled: boolean;
  categories: Categories;
}

/**
 * The defaults a user would expect: everything in the inbox; e-mail for what needs action (a failed
 * test, an alert, a quota about to run out), not for routine completions nor for broadcasts (an admin's
 * announcement must not mail every account unless its owner asked for it).
 */
export const DEFAULT_CATEGORIES: Categories = {
  test_completed: { in_app: true, email: false },
  test_failed: { in_app: true, email: true },
  alert_triggered: { in_app: true, email: true },
  system_update: { in_app: true, email: false },
  quota_warning: { in_app: true, email: true },
};

export interface StoredPreferences {
  email_enabled: boolean;
  push_enabled: boolean;
  categories: StoredCategories;
}

/** The full preferences of a user from their row (none: every default). */
export function resolvePreferences(row: StoredPreferences | undefined): Preferences {
  const stored = row?.categories ?? {};
  const categories = Object.fromEntries(
    NOTIFICATION_TYPES.map((type) => {
      const set = stored[type] ?? {};
      const defaults = DEFAULT_CATEGORIES[type];
      return [
        type,
        {
          in_app: typeof set.in_app === 'boolean' ? set.in_app : defaults.in_app,
          email: typeof set.email === 'boolean' ? set.email : defaults.email,
        },
      ];
    }),
  ) as Categories;
  return {
    emailEnabled: row?.email_enabled ?? true,
    pushEnabled: row?.push_enabled ?? true,
    categories,
  };
}

/** Where a notification of `type` goes for a user: each channel needs its master switch and its type's switch. */
export function channelsFor(preferences: Preferences, type: NotificationType): ChannelSwitches {
  const set = preferences.categories[type];
  return {
    in_app: preferences.pushEnabled && set.in_app,
    email: preferences.emailEnabled && set.email,
  };
}
