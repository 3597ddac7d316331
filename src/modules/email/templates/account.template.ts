import type { UserLocale } from '../../../shared/db/index.ts';
import type { EmailTemplates } from '../email.types.ts';
import { html } from './html.ts';
import { layout, type RenderedEmail } from './layout.ts';
import type { RenderContext } from './catalog.ts';

/** The account e-mails of the auth module (docs/AUTH.md): what they say, per locale. */
interface AccountMessages {
  verify: { subject: string; body: (hours: number) => string; button: string };
  reset: { subject: string; body: (minutes: number) => string; button: string };
  changeVerify: { subject: string; body: (email: string, hours: number) => string; button: string };
  changeNotice: { subject: string; body: (email: string) => string };
  passwordChanged: { subject: string; body: string };
  ignore: string;
  notYou: string;
  footer: (url: string) => string;
}

const en: AccountMessages = {
  verify: {
    subject: 'Confirm your e-mail address',
    body: (h) =>
      `Please confirm this address for your TestWeb account. Alert e-mails are sent only to a confirmed address. The link works once, for ${h} hours.`,
    button: 'Confirm my address',
  },
  reset: {
    subject: 'Reset your TestWeb password',
    body: (m) =>
      `Someone (hopefully you) asked to reset the password of your TestWeb account. The link works once, for ${m} minutes; setting a new password signs you out everywhere.`,
    button: 'Choose a new password',
  },
  changeVerify: {
    subject: 'Confirm your new e-mail address',
    body: (e, h) =>
      `Your TestWeb account asked to use ${e} from now on. It changes when you follow this link (it works once, for ${h} hours).`,
    button: 'Use this address',
  },
  changeNotice: {
    subject: 'Your TestWeb e-mail address is about to change',
    body: (e) =>
      `Someone signed in to your TestWeb account asked to change its e-mail address to ${e}. Nothing changes until that address is confirmed.`,
  },
  passwordChanged: {
    subject: 'Your TestWeb password was changed',
    body: 'The password of your TestWeb account was just changed, and your other sessions were signed out.',
  },
  ignore: 'If you did not ask for this, ignore this e-mail: nothing changes.',
  notYou: 'If this was not you, reset your password at once (“Forgot password” on the sign-in page).',
  footer: (url) => `TestWeb account security e-mail: ${url}`,
};

const zhCN: AccountMessages = {
  verify: {
    subject: '请确认您的邮箱地址',
    body: (h) =>
      `请确认这是您 TestWeb 账户的邮箱。告警邮件只发送到已确认的地址。链接只能使用一次，${h} 小时内有效。`,
    button: '确认邮箱',
  },
  reset: {
    subject: '重置您的 TestWeb 密码',
    body: (m) =>
      `有人（希望是您）请求重置您 TestWeb 账户的密码。链接只能使用一次，${m} 分钟内有效；设置新密码后，所有设备都会退出登录。`,
    button: '设置新密码',
  },
  changeVerify: {
    subject: '请确认您的新邮箱地址',
    body: (e, h) =>
      `您的 TestWeb 账户请求改用 ${e}。点击此链接后才会更改（链接只能使用一次，${h} 小时内有效）。`,
    button: '使用此邮箱',
  },
  changeNotice: {
    subject: '您的 TestWeb 邮箱地址即将更改',
    body: (e) => `已登录您 TestWeb 账户的人请求将邮箱地址改为 ${e}。在该地址确认之前，不会有任何更改。`,
  },
  passwordChanged: {
    subject: '您的 TestWeb 密码已更改',
    body: '您 TestWeb 账户的密码刚刚被更改，其他会话已退出登录。',
  },
  ignore: '如果这不是您本人的操作，请忽略此邮件：不会有任何更改。',
  notYou: '如果这不是您本人的操作，请立即重置密码（登录页的“忘记密码”）。',
  footer: (url) => `TestWeb 账户安全邮件：${url}`,
};

const MESSAGES: Record<UserLocale, AccountMessages> = { en, 'zh-CN': zhCN };

/** Templates whose body holds a single-use secret link: the admin outbox view hides the token. */
export const SECRET_LINK_TEMPLATES: ReadonlySet<string> = new Set([
  'verify_email',
  'password_reset',
  'email_change_verify',
]);

/** The body with every `token=…` value of its links replaced (for views other than the recipient's). */
export function redactLinkTokens(body: string): string {
  return body.replace(/([?&](?:amp;)?token=)[^&"'\s<>]+/g, '$1[hidden]');
}

function message(
  ctx: RenderContext,
  subject: string,
  paragraphs: string[],
  button?: { label: string; link: string },
): RenderedEmail {
  const m = MESSAGES[ctx.locale] ?? en;
  const text = [
    ...paragraphs.slice(0, 1),
    ...(button ? [`${button.label}: ${button.link}`] : []),
    ...paragraphs.slice(1),
  ];
  return layout({
    locale: ctx.locale,
    subject,
    text: text.join('\n\n').split('\n'),
    html: html`<p style="margin:0 0 12px">${paragraphs[0]}</p>
      ${
        button
          ? html`<p style="margin:16px 0">
              <a
                href="${button.link}"
                style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;border-radius:6px;text-decoration:none"
                >${button.label}</a
              >
            </p>`
          : ''
      }
      ${paragraphs.slice(1).map((p) => html`<p style="margin:0 0 12px">${p}</p>`)}`,
    footer: [m.footer(ctx.publicUrl)],
  });
}

const t = (ctx: RenderContext) => MESSAGES[ctx.locale] ?? en;

export function renderVerifyEmail(data: EmailTemplates['verify_email'], ctx: RenderContext): RenderedEmail {
  const m = t(ctx);
  return message(ctx, m.verify.subject, [m.verify.body(data.expiresInHours), m.ignore], {
    label: m.verify.button,
    link: data.link,
  });
}

export function renderPasswordReset(
  data: EmailTemplates['password_reset'],
  ctx: RenderContext,
): RenderedEmail {
  const m = t(ctx);
  return message(ctx, m.reset.subject, [m.reset.body(data.expiresInMinutes), m.ignore], {
    label: m.reset.button,
    link: data.link,
  });
}

export function renderEmailChangeVerify(
  data: EmailTemplates['email_change_verify'],
  ctx: RenderContext,
): RenderedEmail {
  const m = t(ctx);
  return message(
    ctx,
    m.changeVerify.subject,
    [m.changeVerify.body(data.newEmail, data.expiresInHours), m.ignore],
    {
      label: m.changeVerify.button,
      link: data.link,
    },
  );
}

export function renderEmailChangeNotice(
  data: EmailTemplates['email_change_notice'],
  ctx: RenderContext,
): RenderedEmail {
  const m = t(ctx);
  return message(ctx, m.changeNotice.subject, [m.changeNotice.body(data.newEmail), m.notYou]);
}

export function renderPasswordChanged(
  _data: EmailTemplates['password_changed'],
  ctx: RenderContext,
): RenderedEmail {
  const m = t(ctx);
  return message(ctx, m.passwordChanged.subject, [m.passwordChanged.body, m.notYou]);
}
