/** Counters of this process's realtime layer (exposed for monitoring and read by the tests and bench). */
export interface RealtimeStats {
  /** Largest send buffer seen on any socket right after a send: the memory bound in practice. */
  peakBufferedBytes: number;
  slowConsumersClosed: number;
  heartbeatTerminations: number;
  refusedConnections: number;
}

export function createRealtimeStats(): RealtimeStats {
  return { peakBufferedBytes: 0, slowConsumersClosed: 0, heartbeatTerminations: 0, refusedConnections: 0 };
}
