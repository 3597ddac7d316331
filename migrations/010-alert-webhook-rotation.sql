-- Rotating a webhook's secret (POST /api/alerts/webhooks/:id/rotate-secret) keeps the previous secret
-- signing beside the new one for a grace period (docs/ALERTING.md), so a receiver can switch without
-- refusing deliveries in between: both signatures go in webhook-signature, space-separated.
ALTER TABLE alert_webhooks ADD COLUMN previous_secret_sealed text;
ALTER TABLE alert_webhooks ADD COLUMN previous_secret_expires_at timestamptz;
