import { describe, expect, it } from 'vitest';
import { html, escapeHtml } from '../../src/modules/email/templates/html.ts';
import { renderEmail } from '../../src/modules/email/templates/catalog.ts';
import { resolveLink } from '../../src/modules/email/templates/notification.template.ts';
import { headerText } from '../../src/modules/email/templates/text.ts';
import { classifySmtpError } from '../../src/modules/email/smtp.transport.ts';

describe('e-mail templates (units)', () => {
  it('escapes every interpolation of html`` unless it is html itself', () => {
    const user = `<img src=x onerror="alert('x')">&`;
    expect(html`<p title="${user}">${user}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">' +
        '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>',
    );
    expect(html`<div>${html`<b>${'<i>'}</b>`}</div>`.value).toBe('<div><b>&lt;i&gt;</b></div>');
    expect(escapeHtml('"\'')).toBe('&quot;&#39;');
  });

  it.each([
    ['/tests/42', 'https://tw.example/tests/42'],
    ['tests/42', 'https://tw.example/tests/42'],
    ['https://other.example/x?y=1', 'https://other.example/x?y=1'],
    ['javascript:alert(1)', null],
    ['data:text/html,<script>', null],
    ['mailto:a@example.test', null],
    [null, null],
  ])('resolves actionUrl %s to %s', (given, expected) => {
    expect(resolveLink(given, 'https://tw.example')).toBe(expected);
  });

  it('makes header text one line: control characters (CR, LF, NUL, U+2028) become spaces', () => {
    expect(headerText('a\r\nBcc: b\u0000c\u2028d\te')).toBe('a Bcc: b c d e');
    expect([...headerText('测'.repeat(300))]).toHaveLength(200);
  });

  it('renders a notification without content or link as its title, and the footer in both languages', () => {
    const data = { type: 'quota_warning', title: 'Quota at 80 %', content: null, actionUrl: null };
    const en = renderEmail('notification', data, { locale: 'en', publicUrl: 'https://tw.example' });
    expect(en.subject).toBe('Quota at 80 %');
    expect(en.text).toContain('“Quota warning”');
    expect(en.text).toContain('https://tw.example');
    const zh = renderEmail('notification', data, { locale: 'zh-CN', publicUrl: 'https://tw.example' });
    expect(zh.text).toContain('“配额提醒”');
  });

  it('classifies SMTP failures: 5xx permanent, 4xx and connection errors temporary, no password in the reason', () => {
    expect(classifySmtpError({ responseCode: 550, message: 'no such user' }).permanent).toBe(true);
    expect(classifySmtpError({ responseCode: 451, message: 'try later' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' }).permanent).toBe(
      false,
    );
    const r = classifySmtpError({ code: 'EAUTH', responseCode: 535, message: 'Invalid login for hunter22' }, [
      'hunter22',
    ]);
    expect(r).toEqual({ permanent: true, reason: 'EAUTH: Invalid login for ***' });
  });
});
