/** Small pieces shared by the displacement pages: status badges, a pager, bar lists. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { barItems } from './figures.js';
import { severityLabel, statusLabel } from './labels.js';

/** A round's status (draft, validated, published) as a coloured badge with its word. */
export function RoundStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge round-status-${status}`} data-testid="round-status" data-status={status}>
      {statusLabel(t, status)}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useTranslation();
  return <span className={`severity-badge severity-${severity}`}>{severityLabel(t, severity)}</span>;
}

/** Previous / "1–50 of 230" / Next. */
export function Pager({
  offset,
  limit,
  total,
  count,
  loading,
  label,
  onPage,
}: {
  offset: number;
  limit: number;
  total: number;
  /** Rows on this page. */
  count: number;
  loading: boolean;
  label: string;
  onPage: (offset: number) => void;
}) {
  const { t } = useTranslation();
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + count, total);
  if (total <= limit && offset === 0) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button" disabled={offset === 0 || loading} onClick={() => onPage(Math.max(0, offset - limit))}>
        ‹ {t('common.previous')}
      </button>
      <span className="pager-range" aria-live="polite">
        {t('displacement.pager.range', { from, to, total })}
      </span>
      <button type="button" className="button" disabled={offset + limit >= total || loading} onClick={() => onPage(offset + limit)}>
        {t('common.next')} ›
      </button>
    </nav>
  );
}

/**
 * A short list of labelled values with bars (reasons, origins): the value and its share of the
 * total are written out, the bar only helps the eye.
 */
export function BarList({
  items,
  label,
  total,
  lastKey,
  testId,
}: {
  items: ReadonlyArray<{ key: string; value: number; label: ReactNode }>;
  label: string;
  total?: number;
  /** An "other" item that stays last. */
  lastKey?: string;
  testId: string;
}) {
  const format = useFormat();
  const labels = new Map(items.map((item) => [item.key, item.label]));
  const bars = barItems(items, total, lastKey);
  return (
    <ul className="bar-list" aria-label={label} data-testid={testId}>
      {bars.map((bar) => (
        <li key={bar.key} data-key={bar.key} data-value={bar.value}>
          <span className="bar-list-label">{labels.get(bar.key)}</span>
          <span className="bar-list-value">
            {format.number(bar.value)} <span className="muted">({format.percent(bar.percent)})</span>
          </span>
          <span className="bar-list-track" aria-hidden="true">
            <span className="bar-list-bar" style={{ width: `${bar.width}%` }} />
          </span>
        </li>
      ))}
    </ul>
  );
}
