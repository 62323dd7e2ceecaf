import { useTranslation } from 'react-i18next';
import { KeyFigure } from '../components/KeyFigure.js';
import { useFormat } from '../useFormat.js';
import { changeText, directionOf, householdSize } from './figures.js';
import { groupLabel, roundName, typeLabel } from './labels.js';
import { RoundStatusBadge } from './parts.js';
import type { KeyFigures } from './types.js';

function Change({ change, percent, previous, testId }: { change: number; percent: number | null; previous: number; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const direction = directionOf(change);
  return (
    <span className={`change change-${direction}`} data-testid={testId} data-value={change}>
      <span aria-hidden="true" className="change-arrow">
        {direction === 'up' ? '▲' : direction === 'down' ? '▼' : '='}
      </span>{' '}
      {t('displacement.figures.change', { change: changeText(change, percent, format.language), round: previous })}
    </span>
  );
}

/**
 * The round's headline figures: people and households of the group with their change since the
 * previous round of the same type, locations assessed, and which round it is.
 */
export function DashboardFigures({ figures }: { figures: KeyFigures }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { totals, change, round, previousRound } = figures;
  if (!totals || !round) return null;
  const size = householdSize(totals.individuals, totals.households);
  const who = groupLabel(t, figures.group);
  const householdPercent =
    figures.previousTotals && figures.previousTotals.households > 0 && change
      ? Math.round((change.households * 1000) / figures.previousTotals.households) / 10
      : null;
  return (
    <section className="key-figures dtm-key-figures" data-testid="dtm-key-figures" aria-label={t('displacement.figures.title')}>
      <dl className="key-grid">
        <KeyFigure
          label={t('displacement.figures.people', { group: who })}
          value={format.number(totals.individuals)}
          raw={totals.individuals}
          testId="dtm-individuals"
          extra={
            change && previousRound ? (
              <Change change={change.individuals} percent={change.pct} previous={previousRound.number} testId="dtm-individuals-change" />
            ) : (
              t('displacement.figures.firstRound')
            )
          }
        />
        <KeyFigure
          label={t('displacement.figures.households')}
          value={format.number(totals.households)}
          raw={totals.households}
          testId="dtm-households"
          extra={
            <>
              {change && previousRound ? <Change change={change.households} percent={householdPercent} previous={previousRound.number} testId="dtm-households-change" /> : null}
              {size !== null ? (
                <span className="block">{t('displacement.figures.householdSize', { size: format.decimal(size, 1) })}</span>
              ) : null}
            </>
          }
        />
        <KeyFigure
          label={t('displacement.figures.locationsAssessed')}
          value={format.number(totals.locations)}
          raw={totals.locations}
          testId="dtm-locations"
          extra={typeLabel(t, round.assessmentType)}
        />
        <KeyFigure
          label={t('displacement.figures.round')}
          value={roundName(t, round)}
          raw={round.number}
          testId="dtm-round"
          extra={
            <>
              <span data-testid="dtm-reference-date">{t('displacement.figures.referenceDate', { date: format.date(round.referenceDate, 'long') })}</span>
              {round.collectionStart && round.collectionEnd ? (
                <span className="block">{t('displacement.figures.collection', { from: format.date(round.collectionStart), to: format.date(round.collectionEnd) })}</span>
              ) : null}
              {round.status !== 'published' ? (
                <span className="block">
                  <RoundStatusBadge status={round.status} />
                </span>
              ) : null}
            </>
          }
        />
      </dl>
    </section>
  );
}
