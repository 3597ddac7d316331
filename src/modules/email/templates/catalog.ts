import type { UserLocale } from '../../../shared/db/index.ts';
import type { EmailTemplateName, EmailTemplates } from '../email.types.ts';
import type { RenderedEmail } from './layout.ts';
import { renderAlert } from './alert.template.ts';
import { renderNotification } from './notification.template.ts';
import {
  renderEmailChangeNotice,
  renderEmailChangeVerify,
  renderPasswordChanged,
  renderPasswordReset,
  renderVerifyEmail,
} from './account.template.ts';

export type { RenderedEmail } from './layout.ts';

export interface RenderContext {
  locale: UserLocale;
  /** PUBLIC_URL without a trailing slash: links in messages are resolved against it. */
  publicUrl: string;
}

type Renderers = { [K in EmailTemplateName]: (data: EmailTemplates[K], ctx: RenderContext) => RenderedEmail };

/**
 * Every template by name. A new message (verification, password reset…) is an entry in EmailTemplates
 * (email.types.ts), its strings in messages.ts, and a renderer here (the compiler insists on the renderer).
 */
export const TEMPLATES: Renderers = {
  notification: renderNotification,
  verify_email: renderVerifyEmail,
  password_reset: renderPasswordReset,
  email_change_verify: renderEmailChangeVerify,
  email_change_notice: renderEmailChangeNotice,
  password_changed: renderPasswordChanged,
  alert: renderAlert,
};

export function isTemplateName(name: string): name is EmailTemplateName {
  return Object.hasOwn(TEMPLATES, name);
}

export function renderEmail<T extends EmailTemplateName>(
  template: T,
  data: EmailTemplates[T],
  ctx: RenderContext,
): RenderedEmail {
  return (TEMPLATES[template] as (d: EmailTemplates[T], c: RenderContext) => RenderedEmail)(data, ctx);
}
