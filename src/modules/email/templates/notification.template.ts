import type { EmailTemplates } from '../email.types.ts';
import { html } from './html.ts';
import { layout, type RenderedEmail } from './layout.ts';
import { messagesFor } from './messages.ts';
import { bodyText, headerText, LIMITS } from './text.ts';
import type { RenderContext } from './catalog.ts';

/**
 * An absolute http(s) link for `actionUrl`: a path such as `/tests/{id}` is resolved against PUBLIC_URL;
 * anything else that is not http(s) (javascript:, data:, mailto:…) gives no link at all.
 */
export function resolveLink(actionUrl: string | null, publicUrl: string): string | null {
  if (!actionUrl || actionUrl.length > LIMITS.url) return null;
  try {
    const url = new URL(actionUrl, `${publicUrl}/`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function paragraphsHtml(content: string) {
  return content.split(/\n{2,}/).map((p) => html`<p style="margin:0 0 12px;white-space:pre-wrap">${p}</p>`);
}

/** A notification's e-mail: the title is the subject, the content the body, then a link and a footer. */
export function renderNotification(data: EmailTemplates['notification'], ctx: RenderContext): RenderedEmail {
  const m = messagesFor(ctx.locale);
  const subject = headerText(data.title, LIMITS.title) || m.types[data.type] || 'TestWeb';
  const content = data.content ? bodyText(data.content) : '';
  const link = resolveLink(data.actionUrl, ctx.publicUrl);
  const typeName = headerText(m.types[data.type] ?? data.type, 100);
  const text = [content, link ? `${m.openLink}: ${link}` : ''].filter(Boolean);
  return layout({
    locale: ctx.locale,
    subject,
    text: text.length ? text.join('\n\n').split('\n') : [subject],
    html: html`${content ? paragraphsHtml(content) : ''}${
      link
        ? html`<p style="margin:16px 0 0">
            <a
              href="${link}"
              style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;border-radius:6px;text-decoration:none"
              >${m.openLink}</a
            >
          </p>`
        : ''
    }`,
    footer: [m.footer(typeName), m.footerWhere(ctx.publicUrl)],
  });
}
