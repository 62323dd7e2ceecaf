import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { barSegments } from './fundingBar.js';
import type { FundingStatus } from './types.js';

/**
 * Funded vs gap as a horizontal stacked bar; pledges (promised, not yet committed) lighter. The
 * figures are in the accessible name: the bar adds nothing a screen reader would miss.
 */
export function FundingBar({ funding, size = 'normal' }: { funding: Pick<FundingStatus, 'requiredUsd' | 'fundedUsd' | 'pledgedUsd'>; size?: 'normal' | 'large' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const segments = barSegments(funding);
  const label =
    funding.requiredUsd === null
      ? t('plans.bar.labelNoRequirement', { funded: format.money(funding.fundedUsd) })
      : t('plans.bar.label', {
          funded: format.money(funding.fundedUsd),
          required: format.money(funding.requiredUsd),
          pledged: format.money(funding.pledgedUsd),
        });
  return (
    <div className={size === 'large' ? 'funding-bar large' : 'funding-bar'} role="img" aria-label={label} title={label}>
      <span className="bar-funded" style={{ width: `${segments.funded}%` }} />
      {segments.pledged > 0 ? <span className="bar-pledged" style={{ width: `${segments.pledged}%` }} /> : null}
      {segments.overFunded ? <span className="bar-over" aria-hidden="true" /> : null}
    </div>
  );
}

/** The legend of the funding bars (once per page). */
export function FundingBarLegend() {
  const { t } = useTranslation();
  return (
    <ul className="bar-legend" aria-hidden="true">
      <li>
        <span className="swatch bar-funded" /> {t('plans.bar.funded')}
      </li>
      <li>
        <span className="swatch bar-pledged" /> {t('plans.bar.pledged')}
      </li>
      <li>
        <span className="swatch bar-gap" /> {t('plans.bar.gap')}
      </li>
    </ul>
  );
}
