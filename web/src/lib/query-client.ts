import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api/problem';

/** Server state lives only here (TanStack Query); 4xx answers are not retried, they will not change. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      retry: (count, error) => !(isApiError(error) && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
    mutations: { retry: false },
  },
});
