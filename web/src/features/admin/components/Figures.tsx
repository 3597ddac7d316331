import type { ReactNode } from 'react';

/** A row of labelled figures (a description list, so each value is read with its label). */
export function Figures({ items }: { items: Array<{ label: ReactNode; value: ReactNode }> }) {
  return (
    <dl className="admin-figures">
      {items.map((item, i) => (
        <div key={i}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
