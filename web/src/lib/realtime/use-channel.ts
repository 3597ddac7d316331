import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import { realtime, type ChannelHandlers, type ConnectionState } from './realtime-client';

/**
 * Listens on a realtime channel while the component is mounted (null: not now). Handlers may change
 * between renders without resubscribing.
 */
export function useChannel(channel: string | null, handlers: ChannelHandlers): void {
  const ref = useRef(handlers);
  useLayoutEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    if (!channel) return;
    return realtime.subscribe(channel, {
      message: (m) => ref.current.message(m),
      gap: () => ref.current.gap?.(),
      error: (c, msg) => ref.current.error?.(c, msg),
    });
  }, [channel]);
}

/** The socket's state, for a "live" / "reconnecting" indicator. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(realtime.onState, realtime.state);
}
