import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { dayNumber, isoOfDay, linearScale, monthTicks, niceTicks, stepPath } from './chart.js';
import type { FundingPoint } from './types.js';
import { ChartData } from '../components/ChartData.js';

const WIDTH = 720;
const HEIGHT = 280;
const MARGIN = { top: 30, right: 20, bottom: 40, left: 72 };
/** Dots with a tooltip on every step, as long as they stay readable. */
const MAX_DOTS = 80;

export interface FundingChartProps {
  series: readonly FundingPoint[];
  /** The plan's period: the chart spans it (and any contribution dated outside it). */
  startDate: string;
  endDate: string;
  requiredUsd: number | null;
  loading: boolean;
}

/**
 * Cumulative funded and paid amounts over time, as steps (money arrives on dates, not smoothly).
 * Plain SVG; a title and a description give screen readers the figures, and the table under
 * "Show the figures" holds every point.
 */
export function FundingChart({ series, startDate, endDate, requiredUsd, loading }: FundingChartProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const titleId = useId();
  const descId = useId();

  const points = series
    .map((point) => ({ ...point, day: dayNumber(point.date) }))
    .filter((point) => Number.isFinite(point.day))
    .sort((a, b) => a.day - b.day);
  const first = points[0];
  const last = points[points.length - 1];
  const planStart = dayNumber(startDate);
  const planEnd = dayNumber(endDate);
  const fromDay = Math.min(...[planStart, first?.day].filter((day): day is number => day !== undefined && Number.isFinite(day)));
  const toDayRaw = Math.max(...[planEnd, last?.day].filter((day): day is number => day !== undefined && Number.isFinite(day)));
  const toDay = toDayRaw > fromDay ? toDayRaw : fromDay + 30;

  const maxValue = Math.max(0, ...points.map((point) => Math.max(point.fundedUsd, point.paidUsd)));
  const yTicks = niceTicks(maxValue, 5);
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const x = linearScale([fromDay, toDay], [MARGIN.left, WIDTH - MARGIN.right]);
  const y = linearScale([0, yMax], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const xTicks = Number.isFinite(fromDay) ? monthTicks(fromDay, toDay, 6) : [];
  const monthFormat = new Intl.DateTimeFormat(format.language, { month: 'short', year: 'numeric', timeZone: 'UTC' });

  // Cumulative figures hold after the last event: draw them on to today (within the chart).
  const today = dayNumber(new Date().toISOString());
  const lineEnd = Math.max(last?.day ?? fromDay, Math.min(Number.isFinite(today) ? today : toDay, toDay));
  const fundedPath = stepPath(
    points.map((point) => ({ day: point.day, value: point.fundedUsd })),
    x,
    y,
    fromDay,
    lineEnd,
  );
  const paidPath = stepPath(
    points.map((point) => ({ day: point.day, value: point.paidUsd })),
    x,
    y,
    fromDay,
    lineEnd,
  );

  const title = t('plans.chart.title');
  const description =
    first && last
      ? t('plans.chart.description', {
          from: format.date(first.date, 'long'),
          to: format.date(last.date, 'long'),
          funded: format.money(last.fundedUsd),
          paid: format.money(last.paidUsd),
          pledged: format.money(last.pledgedUsd),
          required: requiredUsd === null ? t('common.none') : format.money(requiredUsd),
        })
      : t('plans.chart.empty');

  return (
    <section className="panel funding-chart-panel" aria-labelledby="chart-title" id="funding-over-time">
      <h2 id="chart-title">{title}</h2>
      <div className={loading ? 'chart-frame is-loading' : 'chart-frame'} data-testid="funding-chart" data-points={points.length}>
        {points.length === 0 ? <p className="notice notice-info">{t('plans.chart.empty')}</p> : null}
        <svg className="funding-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${titleId} ${descId}`} preserveAspectRatio="xMidYMid meet">
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          <g className="axis y-axis">
            {yTicks.map((tick) => (
              <g key={tick} transform={`translate(0,${y(tick)})`}>
                <line className="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} />
                <text x={MARGIN.left - 8} dy="0.32em" textAnchor="end">
                  {format.compact(tick)}
                </text>
              </g>
            ))}
            <text className="axis-title" x={MARGIN.left - 8} y={12} textAnchor="end">
              {t('plans.chart.usd')}
            </text>
          </g>
          <g className="axis x-axis" transform={`translate(0,${HEIGHT - MARGIN.bottom})`}>
            <line className="domain" x1={MARGIN.left} x2={WIDTH - MARGIN.right} />
            {xTicks.map((tick) => (
              <g key={tick} transform={`translate(${x(tick)},0)`}>
                <line y2={6} />
                <text y={20} textAnchor="middle">
                  {monthFormat.format(new Date(tick * 86_400_000))}
                </text>
              </g>
            ))}
          </g>
          {points.length > 0 ? (
            <g className="series">
              <path className="line-paid" d={paidPath} />
              <path className="line-funded" d={fundedPath} />
              {points.length <= MAX_DOTS
                ? points.map((point) => (
                    <circle key={point.date} className="dot-funded" cx={x(point.day)} cy={y(point.fundedUsd)} r={3.5}>
                      <title>
                        {t('plans.chart.pointTitle', {
                          date: format.date(isoOfDay(point.day)),
                          funded: format.money(point.fundedUsd),
                          paid: format.money(point.paidUsd),
                        })}
                      </title>
                    </circle>
                  ))
                : null}
            </g>
          ) : null}
        </svg>
        <ul className="chart-legend" aria-hidden="true">
          <li>
            <span className="swatch line-funded" /> {t('plans.chart.funded')}
          </li>
          <li>
            <span className="swatch line-paid" /> {t('plans.chart.paid')}
          </li>
        </ul>
      </div>
      {points.length > 0 ? (
        <ChartData
          summary={t('plans.chart.showData')}
          rows={points}
          rowKey={(point) => point.date}
          columns={[
            { header: t('plans.chart.date'), className: 'date', cell: (point) => format.date(point.date) },
            { header: t('plans.chart.pledged'), numeric: true, cell: (point) => format.money(point.pledgedUsd) },
            { header: t('plans.chart.funded'), numeric: true, cell: (point) => format.money(point.fundedUsd) },
            { header: t('plans.chart.paid'), numeric: true, cell: (point) => format.money(point.paidUsd) },
          ]}
        />
      ) : null}
    </section>
  );
}
