import type { OutboundClient, OutboundResponse } from '../../../shared/outbound/index.ts';
import { OutboundError } from '../../../shared/outbound/index.ts';
import { payloadOf, type ChannelResult, type ChannelSender } from './channel.ts';
import type { WebhookEndpointStore } from './webhook-endpoints.ts';
import { alertBody, webhookHeaders } from './webhook-signing.ts';

export const ENDPOINT_REMOVED = 'the webhook endpoint was removed';
const SNIPPET = 200;

function answered(res: OutboundResponse): string {
  const text = res.body.toString('utf8', 0, Math.min(res.body.length, SNIPPET)).replace(/\s+/g, ' ').trim();
  const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : '';
  return `the receiver answered ${res.status}${redirect}${text ? `: ${text}` : ''}`;
}

function fromResponse(res: OutboundResponse, endpoints: WebhookEndpointStore, id: string): ChannelResult {
  if (res.status >= 200 && res.status < 300) return { kind: 'delivered', statusCode: res.status };
  if (res.status === 410) {
    const reason = `the receiver answered 410 Gone at ${new Date().toISOString()}`;
    return {
      kind: 'failed',
      statusCode: 410,
      error: `${answered(res)}; the endpoint is disabled until its URL is changed`,
      write: (trx) => endpoints.disable(trx, id, reason),
    };
  }
  return { kind: 'retry', statusCode: res.status, error: answered(res) };
}

/**
 * The webhook channel (Standard Webhooks): POST the alert, signed, to the endpoint through the shared
 * outbound client, whose SSRF guard checks the URL and every address it resolves to on this attempt
 * (a name that resolved publicly at creation and privately now is refused before any request).
 * 2xx delivered; 410 Gone disables the endpoint; other answers and network errors are retried.
 */
export function createWebhookChannel(deps: {
  endpoints: WebhookEndpointStore;
  outbound: Pick<OutboundClient, 'request'>;
  timeoutMs: number;
  now: () => Date;
}): ChannelSender {
  return async (row) => {
    if (!row.webhook_id) return { kind: 'skipped', error: ENDPOINT_REMOVED };
    const endpoint = await deps.endpoints.forAttempt(row.webhook_id, deps.now());
    if (!endpoint) return { kind: 'skipped', error: ENDPOINT_REMOVED };
    if (endpoint.disabledReason)
      return { kind: 'skipped', error: `the webhook endpoint is disabled: ${endpoint.disabledReason}` };
    let secrets: string[];
    try {
      secrets = endpoint.secrets();
    } catch (err) {
      return { kind: 'failed', error: `the endpoint's secret cannot be opened (${(err as Error).message})` };
    }
    const body = alertBody(row.event, payloadOf(row));
    // The receiver compares webhook-timestamp with its own clock: the wall clock, not the module's.
    const headers = webhookHeaders(secrets, row.id, Math.floor(Date.now() / 1000), body);
    try {
      const res = await deps.outbound.request(endpoint.url, {
        method: 'POST',
        headers,
        body,
        timeoutMs: deps.timeoutMs,
        maxRedirects: 0,
      });
      return fromResponse(res, deps.endpoints, row.webhook_id);
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      // The guard's refusal cannot change by retrying (callers treat it as final).
      if (err.kind === 'target_refused')
        return { kind: 'failed', error: `refused by the SSRF guard: ${err.message}` };
      return { kind: 'retry', error: `${err.kind}: ${err.message}` };
    }
  };
}
