import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../lib/api/client';
import { session, SESSION_HEADERS, type TokenAnswer } from '../../../lib/auth/session-store';
import { Card, Field, FormError } from '../../../components/ui';
import { paths } from '../../../lib/paths';

export default function SignInPage() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const answer = await call(
        api.POST('/api/auth/login', { body: { email, password }, headers: SESSION_HEADERS }),
      );
      if ('accessToken' in answer) {
        session.signedIn(answer as TokenAnswer);
        void navigate(params.get('next') ?? paths.tests);
      }
    } catch (err) {
      setError(err);
    }
  }
  return (
    <main className="auth-page">
      <Card title={t('title')}>
        <form onSubmit={(e) => void submit(e)}>
          <FormError error={error} />
          <Field
            label="E-mail"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
          <Field
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <button className="btn btn-primary" type="submit">
            Sign in
          </button>
        </form>
      </Card>
    </main>
  );
}
