import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { trendLayout } from './chartGeometry.js';
import { groupLabel, statusLabel, typeLabel } from './labels.js';
import type { AssessmentType, PopulationGroup, TrendPoint } from './types.js';
import { ChartData } from '../components/ChartData.js';

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 12, bottom: 44, left: 64 };

/**
 * One bar per round of one assessment type (rounds are never added up): the current round is
 * marked, drafts are hatched. A title and description carry the figures for screen readers, and
 * the table under "Show the figures" holds every round.
 */
export function TrendChart({
  points,
  currentRoundId,
  assessmentType,
  group,
  loading,
}: {
  points: readonly TrendPoint[];
  currentRoundId: number | null;
  assessmentType: AssessmentType;
  group: PopulationGroup;
  loading: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const titleId = useId();
  const descId = useId();
  const layout = trendLayout(points, { width: WIDTH, height: HEIGHT, margin: MARGIN }, 8);
  const first = layout.bars[0];
  const last = layout.bars[layout.bars.length - 1];
  const title = t('displacement.trend.chartTitle', { group: groupLabel(t, group), type: typeLabel(t, assessmentType) });
  const description =
    first && last
      ? t('displacement.trend.description', {
          count: layout.bars.length,
          first: first.number,
          firstDate: format.date(first.referenceDate, 'long'),
          firstValue: format.number(first.value),
          last: last.number,
          lastDate: format.date(last.referenceDate, 'long'),
          lastValue: format.number(last.value),
        })
      : t('displacement.trend.empty');
  const shortDate = new Intl.DateTimeFormat(format.language, { month: 'short', year: '2-digit', timeZone: 'UTC' });

  return (
    <div className={loading ? 'chart-frame is-loading' : 'chart-frame'} data-testid="dtm-trend" data-points={layout.bars.length}>
      {layout.bars.length === 0 ? <p className="notice notice-info">{t('displacement.trend.empty')}</p> : null}
      <svg className="dtm-chart trend-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${titleId} ${descId}`} preserveAspectRatio="xMidYMid meet">
        <title id={titleId}>{title}</title>
        <desc id={descId}>{description}</desc>
        <g className="axis y-axis">
          {layout.ticks.map((tick) => (
            <g key={tick.value} transform={`translate(0,${tick.y})`}>
              <line className="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} />
              <text x={MARGIN.left - 8} dy="0.32em" textAnchor="end">
                {format.compact(tick.value)}
              </text>
            </g>
          ))}
        </g>
        <g className="bars">
          {layout.bars.map((bar) => {
            const current = bar.roundId === currentRoundId;
            return (
              <g key={bar.roundId} data-round={bar.number} className={current ? 'current' : undefined}>
                <rect className={bar.draft ? 'bar draft' : 'bar'} x={bar.x} y={bar.y} width={bar.width} height={Math.max(0, bar.height)}>
                  <title>
                    {t('displacement.trend.barTitle', {
                      number: bar.number,
                      date: format.date(bar.referenceDate),
                      value: format.number(bar.value),
                      status: statusLabel(t, bar.draft ? 'draft' : 'published'),
                    })}
                  </title>
                </rect>
                {current ? (
                  <text className="bar-value" x={bar.centre} y={bar.y - 5} textAnchor="middle">
                    {format.number(bar.value)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </g>
        {layout.bars.length > 1 ? <path className="trend-line" d={layout.line} aria-hidden="true" /> : null}
        <g className="axis x-axis" transform={`translate(0,${layout.baseline})`}>
          <line className="domain" x1={MARGIN.left} x2={WIDTH - MARGIN.right} />
          {layout.bars
            .filter((bar) => bar.labelled)
            .map((bar) => (
              <g key={bar.roundId} transform={`translate(${bar.centre},0)`}>
                <text y={16} textAnchor="middle" className="round-label">
                  {t('displacement.trend.roundShort', { number: bar.number })}
                </text>
                <text y={31} textAnchor="middle">
                  {shortDate.format(new Date(`${bar.referenceDate}T00:00:00Z`))}
                </text>
              </g>
            ))}
        </g>
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        <li>
          <span className="swatch trend-published" /> {t('displacement.trend.published')}
        </li>
        {layout.bars.some((bar) => bar.draft) ? (
          <li>
            <span className="swatch trend-draft" /> {t('displacement.trend.draft')}
          </li>
        ) : null}
        <li>
          <span className="swatch trend-current" /> {t('displacement.trend.current')}
        </li>
      </ul>
      {layout.bars.length > 0 ? (
        <ChartData
          summary={t('displacement.showData')}
          testId="dtm-trend-table"
          rows={[...points].sort((a, b) => b.number - a.number)}
          rowKey={(point) => point.roundId}
          isSelected={(point) => point.roundId === currentRoundId}
          columns={[
            { header: t('displacement.round.number'), cell: (point) => point.number },
            { header: t('displacement.round.referenceDate'), className: 'date', cell: (point) => format.date(point.referenceDate) },
            { header: t('displacement.round.status'), cell: (point) => statusLabel(t, point.status) },
            { header: t('displacement.figures.individuals'), numeric: true, cell: (point) => format.number(point.individuals) },
            { header: t('displacement.figures.households'), numeric: true, cell: (point) => format.number(point.households) },
            { header: t('displacement.figures.locations'), numeric: true, cell: (point) => format.number(point.locations) },
          ]}
        />
      ) : null}
    </div>
  );
}
