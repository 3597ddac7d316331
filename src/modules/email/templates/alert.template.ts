import type { UserLocale } from '../../../shared/db/index.ts';
import type { EmailTemplates } from '../email.types.ts';
import { html } from './html.ts';
import { layout, type RenderedEmail } from './layout.ts';
import { resolveLink } from './notification.template.ts';
import { bodyText, headerText, LIMITS } from './text.ts';
import type { RenderContext } from './catalog.ts';

type AlertData = EmailTemplates['alert'];

interface AlertStrings {
  severities: Record<AlertData['severity'], string>;
  /** The subject's prefix per notice. */
  kinds: Record<AlertData['event'], string>;
  severity: string;
  rule: string;
  triggered: string;
  resolved: string;
  metric: string;
  series: string;
  missing: string;
  testNote: string;
  open: string;
  footer: (rule: string) => string;
}

const en: AlertStrings = {
  severities: { low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' },
  kinds: {
    'alert.triggered': 'Alert',
    'alert.resolved': 'Resolved',
    'alert.reminder': 'Still firing',
    'alert.test': 'Test alert',
  },
  severity: 'Severity',
  rule: 'Rule',
  triggered: 'Triggered',
  resolved: 'Resolved',
  metric: 'Metric',
  series: 'Where',
  missing: 'missing',
  testNote: 'This is a test send of the rule: nothing is firing.',
  open: 'Open in TestWeb',
  footer: (rule) => `You receive this e-mail because the alert rule “${rule}” sends to this address.`,
};

const zhCN: AlertStrings = {
  severities: { low: '低', medium: '中', high: '高', critical: '严重' },
  kinds: {
    'alert.triggered': '告警',
    'alert.resolved': '已恢复',
    'alert.reminder': '仍在告警',
    'alert.test': '测试告警',
  },
  severity: '级别',
  rule: '规则',
  triggered: '触发时间',
  resolved: '恢复时间',
  metric: '指标',
  series: '对象',
  missing: '缺失',
  testNote: '这是该规则的测试发送，当前没有告警。',
  open: '在 TestWeb 中查看',
  footer: (rule) => `您收到这封邮件，是因为告警规则“${rule}”会发送到此地址。`,
};

const STRINGS: Record<UserLocale, AlertStrings> = { en, 'zh-CN': zhCN };

const OPERATORS: Record<string, string> = { gt: '>', lt: '<', eq: '=', gte: '≥', lte: '≤', neq: '≠' };

/** `2026-12-02 02:06:13 UTC`: accounts have no time zone, so UTC, said so. */
export function utcTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `lcp_ms = 3200 (> 2500)`, or `lcp_ms: missing (absent)`. */
export function metricLine(metric: AlertData['metric'], s: AlertStrings): string {
  if (metric.condition === 'absent') return `${metric.name}: ${s.missing}`;
  const value = metric.value === null ? s.missing : String(metric.value);
  return `${metric.name} = ${value} (${OPERATORS[metric.condition] ?? metric.condition} ${metric.threshold})`;
}

function facts(data: AlertData, s: AlertStrings): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    [s.severity, s.severities[data.severity] ?? data.severity],
    [s.rule, headerText(data.ruleName, LIMITS.title)],
    [s.triggered, utcTime(data.triggeredAt)],
  ];
  if (data.resolvedAt) rows.push([s.resolved, utcTime(data.resolvedAt)]);
  rows.push([s.metric, metricLine(data.metric, s)]);
  if (data.seriesKey) rows.push([s.series, headerText(data.seriesKey, LIMITS.url)]);
  return rows;
}

/** An alert notice: severity, rule, times, metric = value against the threshold, description, link. */
export function renderAlert(data: AlertData, ctx: RenderContext): RenderedEmail {
  const s = STRINGS[ctx.locale] ?? en;
  const severity = s.severities[data.severity] ?? data.severity;
  const subject = headerText(`[${severity}] ${s.kinds[data.event]}: ${data.title}`, LIMITS.subject);
  const description = data.description ? bodyText(data.description) : '';
  const link = resolveLink(data.actionUrl, ctx.publicUrl);
  const rows = facts(data, s);
  const text = [
    ...(data.event === 'alert.test' ? [s.testNote, ''] : []),
    ...rows.map(([k, v]) => `${k}: ${v}`),
    ...(description ? ['', ...description.split('\n')] : []),
    ...(link ? ['', `${s.open}: ${link}`] : []),
  ];
  return layout({
    locale: ctx.locale,
    subject,
    text,
    html: html`${data.event === 'alert.test' ? html`<p style="margin:0 0 12px">${s.testNote}</p>` : ''}
      <table style="border-collapse:collapse;margin:0 0 12px">
        ${rows.map(
          ([k, v]) =>
            html`<tr>
              <td style="padding:2px 12px 2px 0;color:#6b7280">${k}</td>
              <td style="padding:2px 0">${v}</td>
            </tr>`,
        )}
      </table>
      ${description ? html`<p style="margin:0 0 12px;white-space:pre-wrap">${description}</p>` : ''}
      ${
        link
          ? html`<p style="margin:16px 0 0">
              <a
                href="${link}"
                style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;border-radius:6px;text-decoration:none"
                >${s.open}</a
              >
            </p>`
          : ''
      }`,
    footer: [s.footer(headerText(data.ruleName, 100))],
  });
}
