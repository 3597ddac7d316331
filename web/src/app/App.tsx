import { useEffect, useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { Loading } from '../components/states';
import { session } from '../lib/auth/session-store';
import { queryClient } from '../lib/query-client';
import { realtime } from '../lib/realtime/realtime-client';
import { router } from './router';

/**
 * Restores the session from the refresh cookie before the first route renders (so a reload stays signed
 * in), and keeps the one realtime socket open exactly while signed in.
 */
export function App() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const sync = () => (session.accessToken() ? realtime.start() : realtime.stop());
    const off = session.subscribe(sync);
    void session.restore().finally(() => {
      sync();
      setReady(true);
    });
    return () => void off();
  }, []);
  if (!ready) return <Loading />;
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
