import { useCallback, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl, type QueryValue } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { BoundaryMap } from '../geo/BoundaryMap.js';
import type { MapLayout } from '../geo/mapGeometry.js';
import type { BoundaryCollection } from '../geo/types.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { groupLabel } from './labels.js';
import { circleLegend, classBreaks, classOf, focusArea, hasCoordinates, legendRanges, paletteIndex, radiusScale, unitPositions } from './mapData.js';
import { operationUrl, type AdminFigure, type AssessmentType, type LocationsResponse, type PopulationGroup } from './types.js';

/** Sites fetched to place points without boundaries (the largest first: the API sorts them). */
const POINTS_LIMIT = 1000;
/** Site assessments tried, newest first, to find sites with coordinates for a baseline's map. */
const SITE_ROUNDS_TRIED = 3;

export interface DisplacementMapProps {
  code: string;
  country: string;
  /** 1 at national level, 2 inside an admin1. */
  level: 1 | 2;
  admin1: string | null;
  admin2: string | null;
  /** Figures of the units of `level` (inside `admin1` at level 2). */
  units: readonly AdminFigure[];
  assessmentType: AssessmentType;
  group: PopulationGroup;
  /** The query of the figures shown (type, group, round, drafts). */
  query: Record<string, QueryValue>;
  /** Boundaries are read as they were on the round's date; null until it is known. */
  referenceDate: string | null;
  /** Site assessments whose sites can place a baseline's units, newest first; null until known. */
  siteRounds: readonly number[] | null;
  loading: boolean;
  label: string;
  skipTo: string;
  onSelect: (pcode: string) => void;
}

function activate(event: KeyboardEvent<SVGElement>, action: () => void) {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    action();
  }
}

/**
 * The map of a round: a choropleth of the current level from imported boundaries (with the sites
 * of a site assessment over it), or, without
 * boundaries, proportional circles over the country outline (at the sites' coordinates for a
 * site assessment, at the centre of each unit's known sites for a baseline). Clicking a unit goes
 * one level down, like the table.
 */
export function DisplacementMap(props: DisplacementMapProps) {
  const { code, country, level, admin1, admin2, units, assessmentType, group, query, referenceDate, siteRounds, loading, label, skipTo, onSelect } = props;
  const { t } = useTranslation();
  const format = useFormat();

  // Boundaries as they were on the round's date; when the gazetteer starts after that date (its
  // first version is often the current one), today's, as the import's P-code checks do.
  const datedUrl = referenceDate === null ? null : buildUrl('/api/geo/boundaries', { country, level, asOf: referenceDate, detail: 'simplified' });
  const dated = useApi<BoundaryCollection>(datedUrl, { cache: true });
  const noUnitsThen = dated.data?.liptako.geometrySource === 'outline' && dated.data.liptako.unitsWithoutGeometry === 0;
  const current = useApi<BoundaryCollection>(noUnitsThen ? buildUrl('/api/geo/boundaries', { country, level, detail: 'simplified' }) : null, { cache: true });
  const boundaries = noUnitsThen ? current : dated;
  const source = boundaries.data?.liptako.geometrySource;
  const choropleth = source === 'boundaries';
  const points = source === 'outline';

  // Without boundaries: the sites of this round (SA) or of the latest site assessment (BA) give
  // positions; a site assessment without coordinates passes the turn to the one before it.
  const candidates = (siteRounds ?? []).slice(0, SITE_ROUNDS_TRIED);
  const candidatesKey = candidates.join(',');
  const [fallback, setFallback] = useState({ key: '', index: 0 });
  const candidate = fallback.key === candidatesKey ? fallback.index : 0;
  const pointsQuery =
    assessmentType === 'SA'
      ? { ...query, limit: POINTS_LIMIT }
      : { assessmentType: 'SA', group: query.group, includeDrafts: query.includeDrafts, round: candidates[candidate], limit: POINTS_LIMIT };
  const siteMode = assessmentType === 'SA';
  // Over a choropleth, a site assessment's sites are drawn too: each where it was assessed.
  const sitesOverShapes = choropleth && siteMode;
  const wanted = (points && (siteMode || candidates.length > 0)) || sitesOverShapes;
  const sites = useApi<LocationsResponse>(wanted ? buildUrl(operationUrl(code, '/locations'), pointsQuery) : null, { cache: true });

  const values = useMemo(() => new Map(units.map((unit) => [unit.pcode, unit])), [units]);
  const breaks = useMemo(() => classBreaks(units.map((unit) => unit.individuals)), [units]);
  const who = groupLabel(t, group);

  // Inside an admin1, its admin2 units only; "not drawn" counts the units with figures and no shape.
  const collection = useMemo(() => {
    const data = boundaries.data;
    if (!data || !choropleth) return data;
    const features = level === 2 && admin1 !== null ? data.features.filter((feature) => feature.properties.parentPcode === admin1) : data.features;
    const drawn = new Set(features.map((feature) => feature.properties.pcode));
    const missing = units.filter((unit) => !drawn.has(unit.pcode)).length;
    return { ...data, features, liptako: { ...data.liptako, unitsWithoutGeometry: missing } };
  }, [boundaries.data, choropleth, level, admin1, units]);

  const classes = breaks.length + 1;
  const shapeClass = useCallback(
    (pcode: string) => (choropleth ? `choro choro-${paletteIndex(classOf(values.get(pcode)?.individuals, breaks), classes)}` : undefined),
    [choropleth, values, breaks, classes],
  );
  const describe = useCallback(
    (pcode: string) => {
      const unit = values.get(pcode);
      return unit ? t('displacement.map.unitValue', { value: format.number(unit.individuals), group: who }) : t('displacement.map.noData');
    },
    [values, t, format, who],
  );
  const select = useCallback(
    (pcode: string) => {
      if (values.has(pcode)) onSelect(pcode);
    },
    [values, onSelect],
  );

  const located = useMemo(() => (sites.loading ? [] : (sites.data?.locations ?? []).filter(hasCoordinates)), [sites.data, sites.loading]);
  if (assessmentType === 'BA' && sites.data && !sites.loading && located.length === 0 && candidate + 1 < candidates.length) {
    setFallback({ key: candidatesKey, index: candidate + 1 });
  }
  const inScope = useMemo(
    () => located.filter((site) => (admin2 !== null ? site.admin2Pcode === admin2 : admin1 !== null ? site.admin2Pcode.startsWith(admin1) : true)),
    [located, admin1, admin2],
  );
  const positions = useMemo(() => unitPositions([...values.keys()], located), [values, located]);
  // Inside an admin1 without boundaries, zoom on what is drawn (the outline alone says little).
  const focus = useMemo(() => {
    if (!points || admin1 === null) return undefined;
    const drawn: Array<[number, number]> = siteMode ? inScope.map((site) => [site.longitude, site.latitude]) : [...positions.values()];
    return focusArea(drawn) ?? undefined;
  }, [points, admin1, siteMode, inScope, positions]);
  const maxValue = siteMode ? Math.max(0, ...inScope.map((site) => site.individuals)) : Math.max(0, ...units.map((unit) => unit.individuals));
  const radius = useMemo(
    () => (sitesOverShapes ? radiusScale(maxValue, 7, 1.4) : radiusScale(maxValue, siteMode ? 12 : 24, siteMode ? 1.8 : 3)),
    [maxValue, siteMode, sitesOverShapes],
  );
  const unplaced = siteMode ? 0 : units.filter((unit) => unit.individuals > 0 && !positions.has(unit.pcode)).length;

  const overlay = useCallback(
    (project: MapLayout['project']): ReactNode => {
      if (!points && !sitesOverShapes) return null;
      if (siteMode) {
        const drawn = [...inScope].sort((a, b) => b.individuals - a.individuals);
        return (
          <g className="dtm-points sites" data-testid="dtm-map-sites" data-count={drawn.length}>
            {drawn.map((site) => {
              const at = project([site.longitude, site.latitude]);
              if (at === null) return null;
              const owner = admin1 === null ? [...values.keys()].find((pcode) => site.admin2Pcode.startsWith(pcode)) : site.admin2Pcode;
              return (
                <circle
                  key={site.id}
                  cx={at[0]}
                  cy={at[1]}
                  r={radius(site.individuals)}
                  className="site-point"
                  onClick={owner !== undefined && admin2 === null ? () => select(owner) : undefined}
                >
                  <title>{`${site.name} (${site.code}): ${t('displacement.map.unitValue', { value: format.number(site.individuals), group: who })}`}</title>
                </circle>
              );
            })}
          </g>
        );
      }
      const drawn = units.filter((unit) => positions.has(unit.pcode) && unit.individuals > 0).sort((a, b) => b.individuals - a.individuals);
      return (
        <g className="dtm-points units" data-testid="dtm-map-points" data-count={drawn.length}>
          {drawn.map((unit) => {
            const at = project(positions.get(unit.pcode)!);
            if (at === null) return null;
            const name = `${unit.name ?? unit.pcode} (${unit.pcode}): ${t('displacement.map.unitValue', { value: format.number(unit.individuals), group: who })}`;
            const chosen = unit.pcode === admin2;
            return (
              <circle
                key={unit.pcode}
                cx={at[0]}
                cy={at[1]}
                r={radius(unit.individuals)}
                className={chosen ? 'unit-point selected' : 'unit-point'}
                data-pcode={unit.pcode}
                role="button"
                tabIndex={0}
                aria-label={name}
                aria-pressed={admin2 === null ? undefined : chosen}
                onClick={() => select(unit.pcode)}
                onKeyDown={(event) => activate(event, () => select(unit.pcode))}
              >
                <title>{name}</title>
              </circle>
            );
          })}
        </g>
      );
    },
    [points, sitesOverShapes, siteMode, inScope, units, positions, radius, select, values, admin1, admin2, t, format, who],
  );

  const outlineNotice = (
    <p className="notice notice-info" data-testid="dtm-points-notice">
      {siteMode ? t('displacement.map.sitesNotice') : t('displacement.map.pointsNotice')}
    </p>
  );

  return (
    <div className="dtm-map" data-testid="dtm-map" data-mode={choropleth ? 'choropleth' : points ? 'points' : 'loading'}>
      {boundaries.error ? <ErrorNotice error={boundaries.error} onRetry={boundaries.retry} /> : null}
      {sites.error ? <ErrorNotice error={sites.error} onRetry={sites.retry} /> : null}
      <BoundaryMap
        collection={collection}
        loading={loading || boundaries.loading || ((points || sitesOverShapes) && sites.loading)}
        selected={choropleth ? admin2 : null}
        onSelect={select}
        label={label}
        skipTo={skipTo}
        shapeClass={choropleth ? shapeClass : undefined}
        describe={choropleth ? describe : undefined}
        overlay={points || sitesOverShapes ? overlay : undefined}
        outlineNotice={outlineNotice}
        hint={level === 1 ? t('displacement.map.hintAdmin1') : admin2 === null ? t('displacement.map.hintAdmin2') : null}
        focus={focus}
      />
      {choropleth && units.length > 0 ? (
        <ul className="map-legend" aria-label={t('displacement.map.legend', { group: who })} data-testid="dtm-map-legend">
          {legendRanges(breaks, Math.min(...units.filter((unit) => unit.individuals > 0).map((unit) => unit.individuals))).map((range, index) => (
            <li key={range.from}>
              <span className={`swatch choro-${paletteIndex(index, classes)}`} aria-hidden="true" />{' '}
              {range.to === null ? t('displacement.map.rangeFrom', { from: format.number(range.from) }) : t('displacement.map.range', { from: format.number(range.from), to: format.number(range.to) })}
            </li>
          ))}
          <li>
            <span className="swatch choro--1" aria-hidden="true" /> {t('displacement.map.noData')}
          </li>
        </ul>
      ) : null}
      {points && maxValue > 0 ? (
        <div className="map-legend circles" data-testid="dtm-map-legend">
          <span className="muted">{t('displacement.map.circles', { group: who })}</span>
          {circleLegend(maxValue).map((value) => (
            <span key={value} className="circle-key">
              <svg width={2 * radius(value) + 2} height={2 * radius(value) + 2} aria-hidden="true">
                <circle cx={radius(value) + 1} cy={radius(value) + 1} r={radius(value)} className={siteMode ? 'site-point' : 'unit-point'} />
              </svg>
              {format.number(value)}
            </span>
          ))}
        </div>
      ) : null}
      {points && siteMode && sites.data && sites.data.total > POINTS_LIMIT ? (
        <p className="hint">{t('displacement.map.sitesLimited', { shown: POINTS_LIMIT, count: sites.data.total })}</p>
      ) : null}
      {points && unplaced > 0 && (sites.data !== undefined || !wanted) ? (
        <p className="hint" data-testid="dtm-map-unplaced">
          {t('displacement.map.unplaced', { count: unplaced })}
        </p>
      ) : null}
      {points && siteMode && admin2 === null ? <p className="hint">{t('displacement.map.sitesHint')}</p> : null}
      {points && !siteMode && admin2 === null ? <p className="hint">{level === 1 ? t('displacement.map.pointsHintAdmin1') : t('displacement.map.pointsHintAdmin2')}</p> : null}
    </div>
  );
}
