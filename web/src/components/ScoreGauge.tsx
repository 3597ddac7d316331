/** A 0–100 score as a ring with its number: red under 50, amber under 90, green from 90 (Lighthouse's bands). */
export function ScoreGauge({
  score,
  label,
  size = 96,
}: {
  score: number | null | undefined;
  label: string;
  size?: number;
}) {
  const r = 42;
  const circumference = 2 * Math.PI * r;
  const value = score === null || score === undefined ? null : Math.max(0, Math.min(100, score));
  const tone = value === null ? 'muted' : value >= 90 ? 'ok' : value >= 50 ? 'warn' : 'bad';
  return (
    <figure className={`gauge gauge-${tone}`} style={{ width: size }}>
      <svg
        viewBox="0 0 100 100"
        width={size}
        height={size}
        role="img"
        aria-label={`${label}: ${value ?? '—'}`}
      >
        <circle cx="50" cy="50" r={r} className="gauge-track" />
        {value !== null && (
          <circle
            cx="50"
            cy="50"
            r={r}
            className="gauge-value"
            strokeDasharray={`${(value / 100) * circumference} ${circumference}`}
            transform="rotate(-90 50 50)"
          />
        )}
        <text x="50" y="57" textAnchor="middle" className="gauge-text">
          {value === null ? '—' : Math.round(value)}
        </text>
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
