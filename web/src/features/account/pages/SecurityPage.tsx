import { lazy, Suspense, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import type { ResponseOf } from '../../../lib/api/types';
import { session } from '../../../lib/auth/session-store';
import { Card, Chip, Field, FormError } from '../../../components/ui';
import { Loading, QueryView } from '../../../components/states';
import { OnceSecret } from '../components/OnceSecret';
import { accountKeys } from '../hooks/use-me';

/** Rendered only when the API gives no PNG: the otpauth URI as an SVG QR code (its own chunk). */
const QRCodeSVG = lazy(() => import('qrcode.react').then((m) => ({ default: m.QRCodeSVG })));

type Setup = ResponseOf<'/api/auth/mfa/setup', 'post'>;

/** Security: the password, and two-factor authentication (set-up, backup codes, turning it off). */
export default function SecurityPage() {
  return (
    <>
      <MfaCard />
      <PasswordCard />
    </>
  );
}

function PasswordCard() {
  const { t } = useTranslation('account');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () =>
      call(api.POST('/api/auth/password/change', { body: { currentPassword: current, newPassword: next } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
    },
  });
  const fields = isApiError(change.error, 400) ? change.error.fieldErrors() : {};
  return (
    <Card title={t('password.title')}>
      <form
        className="form-narrow"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const differ = next !== repeat;
          setMismatch(differ);
          if (!differ) change.mutate();
        }}
      >
        <FormError error={change.error && !Object.keys(fields).length ? change.error : null} />
        {change.isSuccess && (
          <p role="status" className="success">
            {t('password.changed', { count: change.data.otherSessionsRevoked })}
          </p>
        )}
        <Field
          label={t('password.current')}
          type="password"
          autoComplete="current-password"
          required
          value={current}
          error={fields.currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <Field
          label={t('password.new')}
          type="password"
          autoComplete="new-password"
          required
          value={next}
          error={fields.newPassword}
          hint={t('password.hint')}
          onChange={(e) => setNext(e.target.value)}
        />
        <Field
          label={t('password.repeat')}
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          error={mismatch ? t('password.mismatch') : undefined}
          onChange={(e) => setRepeat(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={change.isPending}>
          {t('password.submit')}
        </button>
      </form>
    </Card>
  );
}

/** Puts the new MFA state in the signed-in user the header and guards read. */
function markMfa(enabled: boolean) {
  const user = session.user();
  if (user) session.setUser({ ...user, mfaEnabled: enabled });
}

function MfaCard() {
  const { t } = useTranslation('account');
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: accountKeys.mfa, queryFn: () => call(api.GET('/api/auth/mfa')) });
  const [setup, setSetup] = useState<Setup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: accountKeys.mfa });

  const start = useMutation({
    mutationFn: () => call(api.POST('/api/auth/mfa/setup')),
    onSuccess: setSetup,
  });

  return (
    <Card
      title={t('mfa.title')}
      actions={
        status.data &&
        (status.data.enabled ? (
          <Chip value="ok" label={t('mfa.on')} />
        ) : (
          <Chip value="muted" label={t('mfa.off')} />
        ))
      }
    >
      <p className="muted">{t('mfa.intro')}</p>
      {codes && (
        <OnceSecret
          title={t('mfa.codesTitle')}
          text={codes.join('\n')}
          fileName="testweb-backup-codes.txt"
          onDone={() => setCodes(null)}
        >
          <p>{t('mfa.codesHint')}</p>
          <ul className="backup-codes" aria-label={t('mfa.codesTitle')}>
            {codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </OnceSecret>
      )}
      <QueryView query={status}>
        {(s) =>
          s.enabled ? (
            <MfaEnabled
              remaining={s.backupCodesRemaining}
              onCodes={(c) => {
                setCodes(c);
                void refresh();
              }}
              onDisabled={() => {
                setCodes(null);
                markMfa(false);
                void refresh();
              }}
            />
          ) : setup ? (
            <MfaSetup
              setup={setup}
              onCancel={() => setSetup(null)}
              onEnabled={(c) => {
                setSetup(null);
                setCodes(c);
                markMfa(true);
                void refresh();
              }}
            />
          ) : (
            <>
              <FormError error={start.error} />
              <button
                type="button"
                className="btn btn-primary"
                disabled={start.isPending}
                onClick={() => start.mutate()}
              >
                {t('mfa.start')}
              </button>
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

function MfaSetup({
  setup,
  onCancel,
  onEnabled,
}: {
  setup: Setup;
  onCancel: () => void;
  onEnabled: (codes: string[]) => void;
}) {
  const { t } = useTranslation('account');
  const [code, setCode] = useState('');
  const enable = useMutation({
    mutationFn: () => call(api.POST('/api/auth/mfa/enable', { body: { code } })),
    onSuccess: (answer) => onEnabled(answer.backupCodes),
  });
  return (
    <div className="mfa-setup">
      <div>
        {setup.qrCode ? (
          <img className="qr" src={setup.qrCode} alt={t('mfa.qrAlt')} width={196} height={196} />
        ) : (
          <Suspense fallback={<Loading />}>
            <QRCodeSVG className="qr" value={setup.otpauthUri} size={180} title={t('mfa.qrAlt')} />
          </Suspense>
        )}
      </div>
      <div>
        <ol>
          <li>{t('mfa.step1')}</li>
          <li>
            {t('mfa.step2')}{' '}
            <code data-testid="mfa-secret" aria-label={t('mfa.secret')}>
              {setup.secret}
            </code>
          </li>
          <li>{t('mfa.step3')}</li>
        </ol>
        <form
          className="form-narrow"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            enable.mutate();
          }}
        >
          <FormError error={enable.error} />
          <Field
            label={t('mfa.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={enable.isPending}>
              {t('mfa.confirm')}
            </button>
            <button type="button" className="btn" onClick={onCancel}>
              {t('action.cancel', { ns: 'common' })}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

/** The password and a code (or a backup code), as regenerating and disabling both ask. */
function useProof() {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [useBackup, setUseBackup] = useState(false);
  const body = () => ({
    ...(password ? { password } : {}),
    ...(useBackup ? { backupCode: code.trim() } : { code: code.trim() }),
  });
  const reset = () => {
    setPassword('');
    setCode('');
  };
  return { password, setPassword, code, setCode, useBackup, setUseBackup, body, reset };
}

function ProofFields({ proof, idPrefix }: { proof: ReturnType<typeof useProof>; idPrefix: string }) {
  const { t } = useTranslation('account');
  return (
    <>
      <Field
        id={`${idPrefix}-password`}
        label={t('mfa.password')}
        type="password"
        autoComplete="current-password"
        hint={t('mfa.passwordHint')}
        value={proof.password}
        onChange={(e) => proof.setPassword(e.target.value)}
      />
      <Field
        id={`${idPrefix}-code`}
        label={proof.useBackup ? t('mfa.backupCode') : t('mfa.code')}
        autoComplete="one-time-code"
        required
        value={proof.code}
        onChange={(e) => proof.setCode(e.target.value)}
      />
      <label className="row field">
        <input
          type="checkbox"
          checked={proof.useBackup}
          onChange={(e) => proof.setUseBackup(e.target.checked)}
        />
        {t('mfa.useBackup')}
      </label>
    </>
  );
}

function MfaEnabled({
  remaining,
  onCodes,
  onDisabled,
}: {
  remaining: number;
  onCodes: (codes: string[]) => void;
  onDisabled: () => void;
}) {
  const { t } = useTranslation('account');
  const [open, setOpen] = useState<'regenerate' | 'disable' | null>(null);
  const regen = useProof();
  const off = useProof();
  const regenerate = useMutation({
    mutationFn: () => call(api.POST('/api/auth/mfa/backup-codes', { body: regen.body() })),
    onSuccess: (a) => {
      regen.reset();
      setOpen(null);
      onCodes(a.backupCodes);
    },
  });
  const disable = useMutation({
    mutationFn: () => call(api.POST('/api/auth/mfa/disable', { body: off.body() })),
    onSuccess: () => {
      off.reset();
      setOpen(null);
      onDisabled();
    },
  });
  return (
    <>
      <p>
        {t('mfa.enabledText')} {t('mfa.remaining', { count: remaining })}
      </p>
      <div className="row">
        <button
          type="button"
          className="btn"
          aria-expanded={open === 'regenerate'}
          onClick={() => setOpen(open === 'regenerate' ? null : 'regenerate')}
        >
          {t('mfa.regenerate')}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          aria-expanded={open === 'disable'}
          onClick={() => setOpen(open === 'disable' ? null : 'disable')}
        >
          {t('mfa.disable')}
        </button>
      </div>
      {open === 'regenerate' && (
        <form
          className="form-narrow"
          style={{ marginTop: '1rem' }}
          aria-label={t('mfa.regenerate')}
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            regenerate.mutate();
          }}
        >
          <p className="muted">{t('mfa.regenerateHint')}</p>
          <FormError error={regenerate.error} />
          <ProofFields proof={regen} idPrefix="regen" />
          <button type="submit" className="btn btn-primary" disabled={regenerate.isPending}>
            {t('mfa.regenerateSubmit')}
          </button>
        </form>
      )}
      {open === 'disable' && (
        <form
          className="form-narrow"
          style={{ marginTop: '1rem' }}
          aria-label={t('mfa.disable')}
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            disable.mutate();
          }}
        >
          <p className="muted">{t('mfa.disableHint')}</p>
          <FormError error={disable.error} />
          <ProofFields proof={off} idPrefix="disable" />
          <button type="submit" className="btn btn-danger" disabled={disable.isPending}>
            {t('mfa.disableSubmit')}
          </button>
        </form>
      )}
    </>
  );
}
