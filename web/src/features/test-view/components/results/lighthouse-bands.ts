/**
 * Lighthouse's good / needs-improvement / poor bands of each Web Vital: the points of its scoring curves
 * (lighthouse 12, `scoringOptions` p10 and median of each metric audit) where a metric turns orange and
 * red in Lighthouse's own report. Mobile and desktop have their own curves.
 */
export type Band = 'good' | 'average' | 'poor';

export interface Vital {
  metric: string;
  /** [good up to, poor from], in the metric's unit. */
  mobile: [number, number];
  desktop: [number, number];
}

export const VITALS: Vital[] = [
  { metric: 'lcp_ms', mobile: [2500, 4000], desktop: [1200, 2400] },
  { metric: 'fcp_ms', mobile: [1800, 3000], desktop: [934, 1600] },
  { metric: 'cls', mobile: [0.1, 0.25], desktop: [0.1, 0.25] },
  { metric: 'tbt_ms', mobile: [200, 600], desktop: [150, 350] },
  { metric: 'speed_index_ms', mobile: [3387, 5800], desktop: [1311, 2300] },
  { metric: 'tti_ms', mobile: [3785, 7300], desktop: [2468, 4500] },
];

export function bandOf(value: number, [good, poor]: [number, number]): Band {
  if (value <= good) return 'good';
  return value < poor ? 'average' : 'poor';
}

/** The chip tone of a band (the shared Chip's status words). */
export const BAND_TONE: Record<Band, string> = { good: 'ok', average: 'degraded', poor: 'down' };
