import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'wouter';
import { buildUrl } from '../api.js';
import { ActionGate } from '../components/Access.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { isCalendarDate } from '../../../src/shared/dates.js';
import { todayIso } from '../../../src/shared/format.js';
import { clearApiCache, useApi } from '../useApi.js';
import { BoundaryMap } from './BoundaryMap.js';
import { ImportPanel } from './ImportPanel.js';
import type { BoundaryCollection, CountriesResponse, ImportReport, UnitsResponse } from './types.js';
import { UnitTable } from './UnitTable.js';

export const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;

type ParamChanges = Record<string, string | null>;

/**
 * The geography explorer. Its state (country, level, date, search, page, selected unit) lives in
 * the address so that a view can be bookmarked or sent to a colleague.
 */
export function GeographyPage() {
  const { t } = useTranslation();
  const ids = { country: useId(), level: useId(), asOf: useId(), asOfHelp: useId(), search: useId(), table: 'geo-unit-table' };
  const [params, setParams] = useSearchParams();
  const [today] = useState(todayIso);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    document.title = t('app.pageTitle', { page: t('geo.title') });
  }, [t]);

  const update = useCallback(
    (changes: ParamChanges) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null) next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  // --- state read from the address ---
  const asOfParam = params.get('asOf');
  // Absent: today. Present but empty: "current" (no date sent to the server).
  const asOf = asOfParam === null ? today : isCalendarDate(asOfParam) ? asOfParam : '';
  const q = params.get('q') ?? '';
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const selected = params.get('unit');

  // --- countries and levels ---
  const countries = useApi<CountriesResponse>(buildUrl('/api/geo/countries', { asOf }), { version });
  const countryList = countries.data?.countries ?? [];
  const country = countryList.find((candidate) => candidate.pcode === params.get('country')) ?? countryList[0];
  const levels = (country?.levels ?? []).filter((level) => level.units > 0).sort((a, b) => a.level - b.level);
  const levelParam = params.get('level');
  const level = country
    ? (levels.find((candidate) => String(candidate.level) === levelParam) ??
        levels.find((candidate) => candidate.level === 1) ??
        levels[0])?.level ?? 0
    : null;

  // --- units (one page) and boundaries ---
  const unitsUrl =
    country && level !== null
      ? buildUrl('/api/geo/units', { country: country.pcode, level, q, asOf, limit: PAGE_SIZE, offset })
      : null;
  const units = useApi<UnitsResponse>(unitsUrl, { version });
  const boundariesUrl =
    country && level !== null
      ? buildUrl('/api/geo/boundaries', { country: country.pcode, level, asOf, detail: 'simplified' })
      : null;
  const boundaries = useApi<BoundaryCollection>(boundariesUrl, { version, cache: true });

  // --- search box: typed text goes to the address after a short pause ---
  const [text, setText] = useState(q);
  const [syncedQ, setSyncedQ] = useState(q);
  if (q !== syncedQ) {
    // The address changed from elsewhere (back button, "show in table"): follow it.
    setSyncedQ(q);
    setText(q);
  }
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === q) return undefined;
    const timer = setTimeout(() => update({ q: wanted || null, offset: null }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, q, update]);

  // --- selection shared by map and table ---
  const select = useCallback((pcode: string) => update({ unit: pcode === selected ? null : pcode }), [update, selected]);
  const unitRows = units.data?.units ?? [];
  const selectedRow = unitRows.find((unit) => unit.pcode === selected);
  const selectedFeature = boundaries.data?.features.find(
    (feature) => feature.properties?.pcode === selected || feature.id === selected,
  );
  const selectedName = selectedRow?.name ?? selectedFeature?.properties?.name ?? null;

  function onImported(report: ImportReport) {
    clearApiCache();
    setVersion((n) => n + 1);
    if (report.country && report.level !== null && !report.alreadyImported) {
      update({ country: report.country, level: String(report.level), offset: null, unit: null });
    }
  }

  const loadingLabel = countries.loading
    ? t('geo.controls.countriesLoading')
    : boundaries.loading
      ? t('geo.map.loading')
      : t('geo.table.loading');
  const levelLabel = level === null ? '' : t('geo.levelName', { level });

  return (
    <section className="page geo-page" aria-labelledby="geo-title">
      <header className="page-header">
        <h1 id="geo-title">{t('geo.title')}</h1>
        <p className="muted">{t('geo.intro')}</p>
      </header>

      {countries.error ? <ErrorNotice error={countries.error} onRetry={countries.retry} /> : null}

      <form className="controls panel" role="search" aria-label={t('geo.controls.legend')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.country}>{t('geo.controls.country')}</label>
          <select
            id={ids.country}
            data-testid="geo-country"
            value={country?.pcode ?? ''}
            disabled={countryList.length === 0}
            onChange={(event) =>
              update({ country: event.currentTarget.value, level: null, offset: null, unit: null, q: null })
            }
          >
            {countryList.length === 0 ? (
              <option value="">{countries.loading ? t('geo.controls.countriesLoading') : t('geo.controls.noCountries')}</option>
            ) : (
              countryList.map((candidate) => (
                <option key={candidate.pcode} value={candidate.pcode}>
                  {candidate.name} ({candidate.pcode})
                </option>
              ))
            )}
          </select>
        </div>
        <div className="field level">
          <label htmlFor={ids.level}>{t('geo.controls.level')}</label>
          <select
            id={ids.level}
            data-testid="geo-level"
            value={level === null ? '' : String(level)}
            disabled={levels.length === 0}
            onChange={(event) => update({ level: event.currentTarget.value, offset: null, unit: null })}
          >
            {levels.length === 0 ? (
              <option value={level === null ? '' : String(level)}>{t('geo.controls.noLevels')}</option>
            ) : (
              levels.map((candidate) => (
                <option key={candidate.level} value={String(candidate.level)}>
                  {t('geo.controls.levelOption', { level: candidate.level, count: candidate.units })}
                  {' · '}
                  {t('geo.controls.levelGeometry', { count: candidate.withGeometry })}
                </option>
              ))
            )}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.asOf}>{t('geo.controls.asOf')}</label>
          <div className="input-row">
            <input
              id={ids.asOf}
              type="date"
              data-testid="geo-as-of"
              value={asOf}
              aria-describedby={ids.asOfHelp}
              onChange={(event) => {
                const value = event.currentTarget.value;
                update({ asOf: value === today ? null : value, offset: null });
              }}
            />
            {asOf !== today ? (
              <button type="button" className="button small" onClick={() => update({ asOf: null, offset: null })}>
                {t('geo.controls.today')}
              </button>
            ) : null}
          </div>
          <span id={ids.asOfHelp} className="help">
            {t('geo.controls.asOfHelp')}
          </span>
        </div>
        <div className="field grow">
          <label htmlFor={ids.search}>{t('geo.controls.search')}</label>
          <input
            id={ids.search}
            type="search"
            data-testid="geo-search"
            value={text}
            placeholder={t('geo.controls.searchPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setText(event.currentTarget.value)}
          />
        </div>
      </form>

      <LoadingStatus loading={countries.loading || units.loading || boundaries.loading} label={loadingLabel} />

      {countries.data && countryList.length === 0 ? (
        <p className="notice notice-info" data-testid="geo-no-country">
          {t('geo.noCountry')}
        </p>
      ) : null}

      {country ? (
        <div className="geo-grid">
          <div className="panel map-column">
            {boundaries.error ? <ErrorNotice error={boundaries.error} onRetry={boundaries.retry} /> : null}
            <BoundaryMap
              collection={boundaries.data}
              loading={boundaries.loading}
              selected={selected}
              onSelect={select}
              label={t('geo.map.label', { country: country.name, level: levelLabel })}
              skipTo={ids.table}
            />
          </div>
          <div className="panel table-column">
            {selected ? (
              <div className="selection-bar" data-testid="geo-selection">
                <span>
                  <span className="muted">{t('geo.selection.label')}</span>{' '}
                  <strong>{selectedName ?? selected}</strong> <span className="code">{selected}</span>
                  {!selectedRow && !units.loading ? <span className="muted"> — {t('geo.selection.notOnPage')}</span> : null}
                </span>
                <span className="selection-actions">
                  {!selectedRow && !units.loading ? (
                    <button type="button" className="button small" onClick={() => update({ q: selected, offset: null })}>
                      {t('geo.selection.showInTable')}
                    </button>
                  ) : null}
                  <button type="button" className="button small" onClick={() => update({ unit: null })}>
                    {t('geo.selection.clear')}
                  </button>
                </span>
              </div>
            ) : null}
            {units.error ? <ErrorNotice error={units.error} onRetry={units.retry} /> : null}
            <UnitTable
              id={ids.table}
              units={unitRows}
              total={units.data?.total ?? 0}
              offset={offset}
              limit={PAGE_SIZE}
              loading={units.loading}
              selected={selected}
              onSelect={select}
              onPage={(next) => update({ offset: next === 0 ? null : String(next) })}
              emptyText={levels.length === 0 && !q ? t('geo.table.emptyCountry') : t('geo.table.empty')}
            />
          </div>
        </div>
      ) : null}

      <ActionGate verb="geo.import" signInText={t('geo.import.signIn')} deniedText={t('geo.import.notAllowed')} testId="geo-import">
        <ImportPanel onImported={onImported} version={version} />
      </ActionGate>
    </section>
  );
}
