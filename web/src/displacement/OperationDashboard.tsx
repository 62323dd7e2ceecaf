import { lazy, Suspense, useCallback, useEffect, useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { buildUrl } from '../api.js';
import { ActionGate } from '../components/Access.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { DashboardFigures } from './DashboardFigures.js';
import { aggregateQuery, drillInto, readDashboardState, stateParams, switchType, type DashboardState } from './dashboardState.js';
import { DrillDown, LOCATIONS_PAGE } from './DrillDown.js';
import { topItems } from './figures.js';
import { groupLabel, operationName, reasonLabel, roundName, statusLabel, typeLabel } from './labels.js';
import { BarList } from './parts.js';
import { PyramidChart } from './PyramidChart.js';
import { RoundsList } from './RoundsList.js';
import { TrendChart } from './TrendChart.js';
import {
  IMPORT_PATH,
  operationUrl,
  POPULATION_GROUPS,
  type AdminResponse,
  type AssessmentType,
  type KeyFigures,
  type LocationsResponse,
  type OperationResponse,
  type PopulationGroup,
  type TrendResponse,
} from './types.js';

/** Origins listed before the rest is added up under "other regions". */
const ORIGINS_SHOWN = 8;
const OTHER_ORIGINS = '__other__';

function ExportLinks({ code, state, language }: { code: string; state: DashboardState; language: string }) {
  const { t } = useTranslation();
  const query = aggregateQuery(state);
  const links = ([1, 2] as const).flatMap((level) => (['csv', 'xlsx'] as const).map((format) => ({ level, format })));
  return (
    <div className="export-links" data-testid="dtm-exports" role="group" aria-label={t('displacement.exports.title')}>
      <span className="muted">{t('displacement.exports.title')}</span>
      {links.map(({ level, format }) => (
        <a
          key={`${level}-${format}`}
          className="button small"
          href={buildUrl(operationUrl(code, '/export'), { ...query, level, format, lang: language })}
          download
          data-testid={`dtm-export-admin${level}-${format}`}
        >
          {t('displacement.exports.level', { level })} · {format.toUpperCase()}
        </a>
      ))}
    </div>
  );
}

// The map (d3-geo, the boundaries) comes after the key figures: on a slow link its chunk and its
// boundaries must not stand before the first figures (issue 14, bench:slow-link).
const DisplacementMap = lazy(() => import('./DisplacementMap.js').then((module) => ({ default: module.DisplacementMap })));

/**
 * /displacement/:code — one operation: assessment type and population group (one of each at a
 * time: BA and SA are never added, nor groups), key figures, a map, the trend across rounds, the
 * sex and age pyramid, reasons and origins, a drill-down table, the rounds and exports. Its state
 * is in the address.
 */
export function OperationDashboard({ code }: { code: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = { title: useId(), round: useId(), drafts: useId(), table: 'dtm-drill-table' };
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readDashboardState(params), [params]);

  const update = useCallback(
    (changes: Partial<DashboardState>) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(stateParams(changes))) {
            if (value === null) next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: false },
      ),
    [setParams],
  );

  const query = aggregateQuery(state);
  const op = useApi<OperationResponse>(operationUrl(code));
  const summary = useApi<KeyFigures>(buildUrl(operationUrl(code, '/summary'), query));
  const trend = useApi<TrendResponse>(buildUrl(operationUrl(code, '/trend'), { ...query, round: undefined }));
  const admin1Units = useApi<AdminResponse>(buildUrl(operationUrl(code, '/admin'), { ...query, level: 1 }));
  const admin2Units = useApi<AdminResponse>(state.admin1 ? buildUrl(operationUrl(code, '/admin'), { ...query, level: 2, parent: state.admin1 }) : null);
  const locations = useApi<LocationsResponse>(
    state.admin2 ? buildUrl(operationUrl(code, '/locations'), { ...query, admin2: state.admin2, limit: LOCATIONS_PAGE, offset: state.offset }) : null,
  );

  const operation = op.data?.operation.code.toUpperCase() === code.toUpperCase() ? op.data.operation : undefined;
  const name = operation ? operationName(operation, format.language) : code;
  const figures = summary.data;
  const round = figures?.round ?? null;
  const type: AssessmentType = figures?.assessmentType ?? state.type ?? 'BA';
  const group = state.group;
  const who = groupLabel(t, group);

  useEffect(() => {
    document.title = t('app.pageTitle', { page: name });
  }, [t, name]);

  const admin1 = state.admin1 ? { pcode: state.admin1, name: admin1Units.data?.units.find((unit) => unit.pcode === state.admin1)?.name ?? state.admin1 } : null;
  const admin2 = state.admin2 ? { pcode: state.admin2, name: admin2Units.data?.units.find((unit) => unit.pcode === state.admin2)?.name ?? state.admin2 } : null;
  const levelUnits = (state.admin1 ? admin2Units.data?.units : admin1Units.data?.units) ?? [];
  const countryName = operation ? format.country(operation.country) : '';
  const roundsOfType = (op.data?.rounds ?? [])
    .filter((candidate) => candidate.assessmentType === type && (state.drafts || candidate.status === 'published' || candidate.id === state.round))
    .sort((a, b) => b.number - a.number);
  const siteRounds = op.data
    ? op.data.rounds
        .filter((candidate) => candidate.assessmentType === 'SA' && (state.drafts || candidate.status === 'published'))
        .sort((a, b) => b.number - a.number)
        .map((candidate) => candidate.id)
    : null;
  const groups = new Set<PopulationGroup>([group, ...((figures?.groups.map((entry) => entry.group) ?? []) as PopulationGroup[])]);
  const shownGroups = POPULATION_GROUPS.filter((candidate) => groups.has(candidate));
  const origins = topItems(
    (figures?.origins ?? []).map((origin) => ({ key: origin.pcode, value: origin.individuals })),
    ORIGINS_SHOWN,
    OTHER_ORIGINS,
  );
  const originNames = new Map((figures?.origins ?? []).map((origin) => [origin.pcode, origin.name ?? origin.pcode]));
  const loadingAny = op.loading || summary.loading || trend.loading || admin1Units.loading || admin2Units.loading || locations.loading;
  const drill = useCallback((pcode: string) => update(drillInto(state, pcode)), [update, state]);

  return (
    <section className="page dtm-dashboard" aria-labelledby={ids.title} data-testid="dtm-dashboard" data-type={figures?.assessmentType} data-group={group}>
      <nav className="breadcrumb" aria-label={t('displacement.breadcrumb')}>
        <Link href="/displacement">{t('displacement.title')}</Link> <span aria-hidden="true">›</span> <span className="code">{operation?.code ?? code}</span>
      </nav>
      <header className="page-header section-title">
        <div>
          {operation ? <p className="eyebrow">{countryName}</p> : null}
          <h1 id={ids.title}>{name}</h1>
          {operation ? <p className="muted code">{operation.code}</p> : null}
        </div>
        {op.data?.canImport ? (
          <Link href={`${IMPORT_PATH}?operation=${encodeURIComponent(code)}`} className="button" data-testid="dtm-import-link">
            {t('displacement.import.open')}
          </Link>
        ) : null}
      </header>

      {op.error ? <ErrorNotice error={op.error} onRetry={op.retry} /> : null}
      {summary.error ? <ErrorNotice error={summary.error} onRetry={summary.retry} /> : null}
      <LoadingStatus loading={loadingAny} label={t('displacement.dashboard.loading')} />

      <form className="controls panel dtm-controls" aria-label={t('displacement.dashboard.controls')} onSubmit={(event) => event.preventDefault()}>
        <fieldset className="switch" data-testid="dtm-type-switch">
          <legend>{t('displacement.dashboard.assessmentType')}</legend>
          <div className="switch-buttons">
            {(figures?.availableTypes.length ? figures.availableTypes : [type]).map((candidate) => (
              <button
                key={candidate}
                type="button"
                className="switch-button"
                aria-pressed={candidate === type}
                data-type={candidate}
                title={typeLabel(t, candidate)}
                onClick={() => {
                  if (candidate !== type) update(switchType(candidate));
                }}
              >
                {typeLabel(t, candidate)}
              </button>
            ))}
          </div>
        </fieldset>
        <fieldset className="switch" data-testid="dtm-group-switch">
          <legend>{t('displacement.dashboard.group')}</legend>
          <div className="switch-buttons">
            {shownGroups.map((candidate) => (
              <button
                key={candidate}
                type="button"
                className="switch-button"
                aria-pressed={candidate === group}
                data-group={candidate}
                onClick={() => update({ group: candidate, offset: 0 })}
              >
                {groupLabel(t, candidate)}
              </button>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={ids.round}>{t('displacement.dashboard.round')}</label>
          <select
            id={ids.round}
            data-testid="dtm-round-select"
            value={state.round === null ? '' : String(state.round)}
            onChange={(event) => {
              const value = Number(event.currentTarget.value);
              update({ round: value > 0 ? value : null, type, offset: 0 });
            }}
          >
            <option value="">{state.drafts ? t('displacement.dashboard.latestAny') : t('displacement.dashboard.latestPublished')}</option>
            {roundsOfType.map((candidate) => (
              <option key={candidate.id} value={String(candidate.id)}>
                {roundName(t, candidate)} · {format.date(candidate.referenceDate)}
                {candidate.status === 'published' ? '' : ` · ${statusLabel(t, candidate.status)}`}
              </option>
            ))}
          </select>
        </div>
        {op.data?.canImport ? (
          <div className="field checkbox-field">
            <label className="checkbox" htmlFor={ids.drafts}>
              <input
                id={ids.drafts}
                type="checkbox"
                data-testid="dtm-drafts"
                checked={state.drafts}
                onChange={(event) => update({ drafts: event.currentTarget.checked, round: null, offset: 0 })}
              />{' '}
              {t('displacement.dashboard.drafts')}
            </label>
          </div>
        ) : null}
      </form>

      {figures && round === null ? (
        <p className="notice notice-info" data-testid="dtm-no-round">
          {state.drafts ? t('displacement.dashboard.noRoundAtAll', { type: typeLabel(t, type) }) : t('displacement.dashboard.noRound', { type: typeLabel(t, type) })}
        </p>
      ) : null}

      {figures && round ? (
        <>
          <div className={summary.stale ? 'panel is-loading' : 'panel'}>
            <DashboardFigures figures={figures} />
            {round.status !== 'published' ? <p className="notice notice-warning">{t('displacement.dashboard.draftShown', { status: statusLabel(t, round.status) })}</p> : null}
          </div>

          <div className="dtm-grid">
            <section className="panel" aria-labelledby="dtm-map-title">
              <h2 id="dtm-map-title">{t('displacement.map.title', { group: who })}</h2>
              {operation ? (
                <Suspense fallback={<LoadingStatus loading label={t('common.loading')} />}>
                  <DisplacementMap
                    code={code}
                    country={operation.country}
                    level={state.admin1 ? 2 : 1}
                    admin1={state.admin1}
                    admin2={state.admin2}
                    units={levelUnits}
                    assessmentType={type}
                    group={group}
                    query={query}
                    referenceDate={round.referenceDate}
                    siteRounds={siteRounds}
                    loading={admin1Units.loading || admin2Units.loading}
                    label={t('displacement.map.label', { country: countryName, place: admin1?.name ?? countryName })}
                    skipTo={ids.table}
                    onSelect={drill}
                  />
                </Suspense>
              ) : null}
            </section>
            <div className="dtm-stack">
              <section className="panel" aria-labelledby="dtm-trend-title">
                <h2 id="dtm-trend-title">{t('displacement.trend.title')}</h2>
                {trend.error ? <ErrorNotice error={trend.error} onRetry={trend.retry} /> : null}
                <TrendChart points={trend.data?.points ?? []} currentRoundId={round.id} assessmentType={type} group={group} loading={trend.loading} />
              </section>
              <section className="panel" aria-labelledby="dtm-pyramid-title">
                <h2 id="dtm-pyramid-title">{t('displacement.pyramid.title')}</h2>
                <PyramidChart bands={figures.pyramid} individuals={figures.totals?.individuals ?? 0} loading={summary.loading} />
              </section>
            </div>
          </div>

          <section className="panel dtm-drill" aria-labelledby="dtm-drill-title">
            <div className="section-title">
              <h2 id="dtm-drill-title">{t('displacement.drill.title', { group: who })}</h2>
              <ActionGate verb="export.download" signInText={t('displacement.exports.signIn')} testId="dtm-exports" compact>
                <ExportLinks code={code} state={state} language={format.language} />
              </ActionGate>
            </div>
            {admin1Units.error ? <ErrorNotice error={admin1Units.error} onRetry={admin1Units.retry} /> : null}
            {admin2Units.error ? <ErrorNotice error={admin2Units.error} onRetry={admin2Units.retry} /> : null}
            {locations.error ? <ErrorNotice error={locations.error} onRetry={locations.retry} /> : null}
            <DrillDown
              id={ids.table}
              countryName={countryName || code}
              admin1={admin1}
              admin2={admin2}
              group={group}
              units={levelUnits}
              locations={locations.data?.locations ?? []}
              locationsTotal={locations.data?.total ?? 0}
              offset={state.offset}
              loading={state.admin2 ? locations.loading : state.admin1 ? admin2Units.loading : admin1Units.loading}
              onDrill={drill}
              onUp={(level) => update(level === 0 ? { admin1: null, admin2: null, offset: 0 } : { admin2: null, offset: 0 })}
              onPage={(offset) => update({ offset })}
            />
          </section>

          <div className="dtm-grid">
            <section className="panel" aria-labelledby="dtm-reasons-title">
              <h2 id="dtm-reasons-title">{t('displacement.reasons.title')}</h2>
              {figures.reasons.length === 0 ? (
                <p className="muted">{t('displacement.reasons.empty')}</p>
              ) : (
                <BarList
                  testId="dtm-reasons"
                  label={t('displacement.reasons.title')}
                  items={figures.reasons.map((reason) => ({ key: reason.reason, value: reason.individuals, label: reasonLabel(t, reason.reason) }))}
                />
              )}
            </section>
            <section className="panel" aria-labelledby="dtm-origins-title">
              <h2 id="dtm-origins-title">{t('displacement.origins.title')}</h2>
              {origins.length === 0 ? (
                <p className="muted">{t('displacement.origins.empty')}</p>
              ) : (
                <BarList
                  testId="dtm-origins"
                  label={t('displacement.origins.title')}
                  total={figures.totals?.individuals}
                  lastKey={OTHER_ORIGINS}
                  items={origins.map((origin) => ({
                    key: origin.key,
                    value: origin.value,
                    label: origin.key === OTHER_ORIGINS ? t('displacement.origins.other') : `${originNames.get(origin.key) ?? origin.key}`,
                  }))}
                />
              )}
              <p className="hint">{t('displacement.origins.hint')}</p>
            </section>
          </div>
        </>
      ) : null}

      {op.data && op.data.rounds.length > 0 ? (
        <section className="panel" aria-labelledby="dtm-rounds-title">
          <h2 id="dtm-rounds-title">{t('displacement.rounds.heading')}</h2>
          <RoundsList rounds={op.data.rounds} currentRoundId={round?.id ?? null} />
        </section>
      ) : null}
    </section>
  );
}
