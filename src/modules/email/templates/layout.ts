import type { UserLocale } from '../../../shared/db/index.ts';
import { html, type SafeHtml } from './html.ts';

/** A rendered message: the subject and both parts. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface LayoutParts {
  locale: UserLocale;
  subject: string;
  /** Body paragraphs in plain text, and the same content as HTML. */
  text: string[];
  html: SafeHtml;
  /** Footer lines (plain text; escaped in the HTML). */
  footer: string[];
}

/** The frame every message shares: a plain-text part always, and a small self-contained HTML page. */
export function layout(p: LayoutParts): RenderedEmail {
  const text = [...p.text, '', '--', ...p.footer].join('\n') + '\n';
  const page = html`<!doctype html>
    <html lang="${p.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width" />
        <title>${p.subject}</title>
      </head>
      <body
        style="margin:0;padding:24px;background:#f5f6f8;font-family:-apple-system,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328"
      >
        <div style="max-width:600px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
          <h1 style="font-size:18px;margin:0 0 16px">${p.subject}</h1>
          ${p.html}
          <hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0 12px" />
          <p style="font-size:12px;color:#6b7280;margin:0">
            ${p.footer.map((line, i) => (i ? [html`<br />`, line] : line))}
          </p>
        </div>
      </body>
    </html> `;
  return { subject: p.subject, text, html: page.value };
}
