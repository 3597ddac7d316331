import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { FormError, Page } from '../../../components/ui';
import { ErrorState, Loading } from '../../../components/states';
import { paths } from '../../../lib/paths';
import { useDeleteRule, useRotateSecret, useRule, useTestSend, type Rule } from '../api/alerts';
import { useEngines } from '../../../lib/api/engines';
import { AlertsNav } from '../components/AlertsNav';
import { RuleForm } from '../components/RuleForm';
import { SecretReveal } from '../components/SecretReveal';
import '../alerts.css';

/** Send a test alert, rotate the webhook secret, delete: the actions of a saved rule. */
function RuleActions({ rule, onSecret }: { rule: Rule; onSecret: (s: string, until: string) => void }) {
  const { t } = useTranslation('alerts');
  const send = useTestSend();
  const rotate = useRotateSecret();
  const remove = useDeleteRule();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="card">
      <div className="row">
        <button type="button" className="btn" disabled={send.isPending} onClick={() => send.mutate(rule.id)}>
          {t('editor.sendTest')}
        </button>
        {rule.webhook && (
          <button
            type="button"
            className="btn"
            disabled={rotate.isPending}
            onClick={() =>
              rotate.mutate(rule.webhook!.id, {
                onSuccess: (r) => onSecret(r.webhookSecret, r.previousSecretExpiresAt),
              })
            }
          >
            {t('editor.rotate')}
          </button>
        )}
        {!confirming ? (
          <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
            {t('editor.delete')}
          </button>
        ) : (
          <span className="row" role="group" aria-label={t('editor.confirmDelete')}>
            <span>{t('editor.confirmDelete')}</span>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => remove.mutate(rule.id, { onSuccess: () => void navigate(paths.alerts) })}
            >
              {t('editor.yesDelete')}
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('common:action.cancel')}
            </button>
          </span>
        )}
      </div>
      {send.data && (
        <p role="status">
          {t('editor.testSent', { channels: send.data.channels.map((c) => t(`editor.${c}`)).join(', ') })}{' '}
          <Link to={paths.alertDeliveries}>{t('nav.deliveries')}</Link>
        </p>
      )}
      {rule.webhook?.disabledAt && (
        <p className="form-error">
          {t('editor.webhookDisabled', { reason: rule.webhook.disabledReason ?? '' })}
        </p>
      )}
      <FormError error={send.error ?? rotate.error ?? remove.error} />
    </div>
  );
}

/** /alerts/rules/new and /alerts/rules/:id. */
export default function RuleEditorPage() {
  const { t } = useTranslation('alerts');
  const { id } = useParams();
  const rule = useRule(id);
  const engines = useEngines();
  const navigate = useNavigate();
  const [secret, setSecret] = useState<{ value: string; until?: string; ruleId: string } | null>(null);
  const [saved, setSaved] = useState(false);

  const title = id ? t('editor.editTitle') : t('editor.newTitle');
  let body;
  if (engines.isPending || (id && rule.isPending)) body = <Loading />;
  else if (engines.error) body = <ErrorState error={engines.error} retry={() => void engines.refetch()} />;
  else if (id && rule.error) body = <ErrorState error={rule.error} retry={() => void rule.refetch()} />;
  else
    body = (
      <>
        {secret && (
          <SecretReveal
            secret={secret.value}
            previousExpiresAt={secret.until}
            onDone={() => {
              setSecret(null);
              if (!id) void navigate(paths.alertRule(secret.ruleId));
            }}
          />
        )}
        {id && rule.data && (
          <RuleActions
            rule={rule.data}
            onSecret={(value, until) => setSecret({ value, until, ruleId: id })}
          />
        )}
        {saved && <p role="status">{t('editor.saved')}</p>}
        <RuleForm
          key={rule.data?.updatedAt ?? 'new'}
          rule={id ? rule.data : undefined}
          engines={engines.data}
          onSaved={(r) => {
            if (r.webhookSecret) setSecret({ value: r.webhookSecret, ruleId: r.id });
            else if (!id) void navigate(paths.alertRule(r.id));
            else setSaved(true);
          }}
        />
      </>
    );
  return (
    <Page title={title}>
      <AlertsNav />
      {body}
    </Page>
  );
}
