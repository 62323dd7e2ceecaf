import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { pyramidLayout } from './chartGeometry.js';
import { outsidePyramid } from './figures.js';
import { ChartData } from '../components/ChartData.js';

const WIDTH = 520;
const HEIGHT = 230;
const MARGIN = { top: 8, right: 44, bottom: 30, left: 44 };
const LABEL_COLUMN = 60;

/**
 * The sex and age pyramid of a round, in the operation's own age ranges: males on the left,
 * females on the right, youngest at the bottom, each bar's share of the people written at its end.
 */
export function PyramidChart({
  bands,
  individuals,
  loading,
}: {
  bands: ReadonlyArray<{ range: string; females: number; males: number }>;
  individuals: number;
  loading: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const titleId = useId();
  const descId = useId();
  const layout = pyramidLayout(bands, { width: WIDTH, height: HEIGHT, margin: MARGIN }, LABEL_COLUMN);
  const missing = outsidePyramid(individuals, bands);
  const females = bands.reduce((sum, band) => sum + band.females, 0);
  const males = bands.reduce((sum, band) => sum + band.males, 0);
  const title = t('displacement.pyramid.title');
  const description =
    layout.total > 0
      ? t('displacement.pyramid.description', {
          females: format.number(females),
          males: format.number(males),
          bands: layout.rows
            .map((row) => t('displacement.pyramid.band', { range: row.range, females: format.percent(row.female.percent), males: format.percent(row.male.percent) }))
            .join(' ; '),
        })
      : t('displacement.pyramid.empty');

  return (
    <div className={loading ? 'chart-frame is-loading' : 'chart-frame'} data-testid="dtm-pyramid" data-total={layout.total}>
      {layout.total === 0 ? (
        <p className="notice notice-info">{t('displacement.pyramid.empty')}</p>
      ) : (
        <svg className="dtm-chart pyramid-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${titleId} ${descId}`} preserveAspectRatio="xMidYMid meet">
          <title id={titleId}>{title}</title>
          <desc id={descId}>{description}</desc>
          <g className="axis">
            {layout.ticks.map((tick) => (
              <g key={tick.value}>
                <line className="grid" x1={tick.left} x2={tick.left} y1={MARGIN.top} y2={layout.baseline} />
                <line className="grid" x1={tick.right} x2={tick.right} y1={MARGIN.top} y2={layout.baseline} />
                <text x={tick.left} y={layout.baseline + 16} textAnchor="middle">
                  {format.compact(tick.value)}
                </text>
                {tick.value > 0 ? (
                  <text x={tick.right} y={layout.baseline + 16} textAnchor="middle">
                    {format.compact(tick.value)}
                  </text>
                ) : null}
              </g>
            ))}
          </g>
          {layout.rows.map((row) => (
            <g key={row.range} data-range={row.range}>
              <rect className="bar male" x={row.male.x} y={row.y} width={row.male.width} height={row.height}>
                <title>{t('displacement.pyramid.barTitle', { sex: t('displacement.pyramid.males'), range: row.range, value: format.number(row.male.value), percent: format.percent(row.male.percent) })}</title>
              </rect>
              <rect className="bar female" x={row.female.x} y={row.y} width={row.female.width} height={row.height}>
                <title>{t('displacement.pyramid.barTitle', { sex: t('displacement.pyramid.females'), range: row.range, value: format.number(row.female.value), percent: format.percent(row.female.percent) })}</title>
              </rect>
              <text className="range-label" x={(layout.leftAxis + layout.rightAxis) / 2} y={row.middle} dy="0.32em" textAnchor="middle">
                {row.range}
              </text>
              <text className="bar-value" x={row.male.x - 4} y={row.middle} dy="0.32em" textAnchor="end">
                {format.percent(row.male.percent)}
              </text>
              <text className="bar-value" x={row.female.x + row.female.width + 4} y={row.middle} dy="0.32em" textAnchor="start">
                {format.percent(row.female.percent)}
              </text>
            </g>
          ))}
        </svg>
      )}
      <ul className="chart-legend" aria-hidden="true">
        <li>
          <span className="swatch pyramid-male" /> {t('displacement.pyramid.males')} · {format.number(males)}
        </li>
        <li>
          <span className="swatch pyramid-female" /> {t('displacement.pyramid.females')} · {format.number(females)}
        </li>
      </ul>
      {missing > 0 && layout.total > 0 ? (
        <p className="hint" data-testid="dtm-pyramid-missing">
          {t('displacement.pyramid.missing', { count: missing })}
        </p>
      ) : null}
      {layout.total > 0 ? (
        <ChartData
          summary={t('displacement.showData')}
          testId="dtm-pyramid-table"
          rows={[...layout.rows].reverse()}
          rowKey={(row) => row.range}
          columns={[
            { header: t('displacement.pyramid.age'), rowHeader: true, cell: (row) => row.range },
            {
              header: t('displacement.pyramid.females'),
              numeric: true,
              cell: (row) => (
                <>
                  {format.number(row.female.value)} <span className="muted">({format.percent(row.female.percent)})</span>
                </>
              ),
            },
            {
              header: t('displacement.pyramid.males'),
              numeric: true,
              cell: (row) => (
                <>
                  {format.number(row.male.value)} <span className="muted">({format.percent(row.male.percent)})</span>
                </>
              ),
            },
          ]}
        />
      ) : null}
    </div>
  );
}
