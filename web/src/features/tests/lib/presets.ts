/**
 * Ready-made options per engine. A preset is offered only when its engine is registered here (and its keys
 * are filtered by the engine's schema), so presets for engines that come later cost nothing today.
 * `label` is a key of the `tests` namespace (presets.*).
 */
export interface Preset {
  id: string;
  engine: string;
  label: string;
  options: Record<string, unknown>;
}

export const PRESETS: Preset[] = [
  {
    id: 'stress-smoke',
    engine: 'stress',
    label: 'presets.stressSmoke',
    options: { method: 'GET', pattern: 'constant', vus: 10, duration: '30s' },
  },
  {
    id: 'stress-ramp',
    engine: 'stress',
    label: 'presets.stressRamp',
    options: { method: 'GET', pattern: 'ramp-up', startVus: 0, vus: 50, duration: '2m' },
  },
  {
    id: 'stress-spike',
    engine: 'stress',
    label: 'presets.stressSpike',
    options: { method: 'GET', pattern: 'spike', startVus: 5, vus: 100, duration: '1m' },
  },
  {
    id: 'api-ok-fast',
    engine: 'api',
    label: 'presets.apiOkFast',
    options: {
      method: 'GET',
      assertions: [
        { source: 'status', comparison: 'equals', target: 200 },
        { source: 'responseTime', comparison: 'lessThan', target: 500 },
      ],
    },
  },
  {
    id: 'performance-quick',
    engine: 'performance',
    label: 'presets.performanceQuick',
    options: { runs: 1, fetchResources: false },
  },
  {
    id: 'performance-thorough',
    engine: 'performance',
    label: 'presets.performanceThorough',
    options: { runs: 5, fetchResources: true, maxResources: 300 },
  },
  {
    id: 'lighthouse-mobile',
    engine: 'lighthouse',
    label: 'presets.lighthouseMobile',
    options: { formFactor: 'mobile' },
  },
];
