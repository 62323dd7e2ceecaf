import type { ReactNode } from 'react';

/**
 * One key figure of a dashboard or a plan (in a `<dl>`): its label, its formatted value with the
 * raw one in `data-value` (tests read the number, not its French or English spelling), and a
 * line under it. Styled by `.key-figure` in plans/plans.css, which the DTM dashboard shares.
 */
export function KeyFigure({ label, value, raw, testId, extra }: { label: string; value: string; raw: number | string | null; testId?: string; extra?: ReactNode }) {
  return (
    <div className="key-figure">
      <dt>{label}</dt>
      <dd className="key-value" data-testid={testId} data-value={raw ?? ''}>
        {value}
      </dd>
      {extra ? <dd className="key-extra">{extra}</dd> : null}
    </div>
  );
}
