import { useCallback, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl, sendJson } from '../api.js';
import { Field, InputField, OrganisationField } from '../components/FormFields.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { BoundaryMap } from '../geo/BoundaryMap.js';
import type { BoundaryCollection } from '../geo/types.js';
import { useSession } from '../session.js';
import { useAction } from '../useAction.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { useOrganisationChoices } from '../useOrganisationChoices.js';
import { FiveWImport } from './FiveWImport.js';
import { COUNTRIES, type ActivityView, type Dashboard, type PeriodView, type ReportsResponse, type SectorView } from './types.js';
import { DataTable } from '../components/DataTable.js';
import { QueueActions } from '../components/QueueActions.js';
import { PageHeader, usePageTitle } from '../components/PageHeader.js';

/** Shade of an admin2 by how many organisations work there (the DTM map's sequential classes). */
function presenceClass(count: number): string {
  return count === 0 ? 'choro choro--1' : `choro choro-${Math.min(count - 1, 3)}`;
}

interface Filters {
  country: string;
  month: string;
  sector: string;
}

function PresenceMap({ filters, dashboard, names }: { filters: Filters; dashboard: Dashboard | undefined; names: Map<string, string> }) {
  const { t } = useTranslation();
  const boundaries = useApi<BoundaryCollection>(buildUrl('/api/geo/boundaries', { country: filters.country, level: 2, detail: 'simplified' }), { cache: true });
  const counts = useMemo(() => {
    const byUnit = new Map<string, Set<string>>();
    for (const entry of dashboard?.presence ?? []) {
      if (filters.sector !== '' && entry.sector !== filters.sector) continue;
      const set = byUnit.get(entry.admin2) ?? new Set<string>();
      for (const organisation of entry.organisations) set.add(organisation);
      byUnit.set(entry.admin2, set);
    }
    return byUnit;
  }, [dashboard, filters.sector]);
  const gapUnits = useMemo(() => new Set((dashboard?.gaps ?? []).filter((gap) => filters.sector === '' || gap.sector === filters.sector).map((gap) => gap.admin2)), [dashboard, filters.sector]);
  const shapeClass = useCallback((pcode: string) => presenceClass(counts.get(pcode)?.size ?? 0), [counts]);
  const describe = useCallback(
    (pcode: string) => {
      const organisations = [...(counts.get(pcode) ?? [])].sort();
      const line = organisations.length === 0 ? t('response.map.none') : t('response.map.organisations', { count: organisations.length, list: organisations.join(', ') });
      return gapUnits.has(pcode) ? `${line} · ${t('response.map.gap')}` : line;
    },
    [counts, gapUnits, t],
  );
  void names;
  return (
    <div className="panel response-map" data-testid="response-map">
      <h2>{filters.sector === '' ? t('response.map.titleAll') : t('response.map.title', { sector: filters.sector })}</h2>
      {boundaries.error ? <ErrorNotice error={boundaries.error} onRetry={boundaries.retry} /> : null}
      <BoundaryMap
        collection={boundaries.data}
        loading={boundaries.loading}
        selected={null}
        onSelect={() => undefined}
        label={t('response.map.label')}
        skipTo="response-gaps"
        shapeClass={shapeClass}
        describe={describe}
        hint={null}
      />
      <ul className="legend" aria-label={t('response.map.legend')}>
        {[0, 1, 2, 3, 4].map((count) => (
          <li key={count}>
            <span className={`swatch ${presenceClass(count).split(' ')[1]!}`} aria-hidden="true" /> {count === 4 ? t('response.map.legendMany') : t('response.map.legendCount', { count })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Admin2 × sector with nobody there, and how many people that leaves out (displaced, or in need). */
function GapTable({ gaps, sizeLabel, place }: { gaps: ReadonlyArray<{ admin2: string; sector: string; size: number }>; sizeLabel: string; place: (pcode: string) => string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="table-scroll">
      <DataTable columns={[t('response.columns.admin2'), t('response.columns.sector'), { label: sizeLabel, className: 'number' }]}>
        {gaps.slice(0, 200).map((gap) => (
          <tr key={`${gap.admin2}-${gap.sector}`}>
            <td>{place(gap.admin2)}</td>
            <td className="code">{gap.sector}</td>
            <td className="number">{format.number(gap.size)}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

function GapsAndOverlaps({ dashboard, filters, names }: { dashboard: Dashboard; filters: Filters; names: Map<string, string> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const gaps = dashboard.gaps.filter((gap) => filters.sector === '' || gap.sector === filters.sector);
  const overlaps = dashboard.overlaps;
  const pinGaps = dashboard.pinGaps.filter((gap) => filters.sector === '' || gap.sector === filters.sector);
  const place = (pcode: string) => (names.has(pcode) ? `${names.get(pcode)!} (${pcode})` : pcode);
  return (
    <div className="response-lists">
      <section className="panel" id="response-gaps" aria-labelledby="response-gaps-title" data-testid="response-gaps">
        <h2 id="response-gaps-title">{t('response.gaps.title', { count: gaps.length })}</h2>
        <p className="muted">{t('response.gaps.intro', { sources: dashboard.caseloadSource.map((source) => `${source.operation} (${source.assessmentType} ${source.round})`).join(', ') || '—' })}</p>
        {gaps.length === 0 ? <p>{t('response.gaps.none')}</p> : null}
        <GapTable gaps={gaps.map((gap) => ({ admin2: gap.admin2, sector: gap.sector, size: gap.caseload }))} sizeLabel={t('response.columns.caseload')} place={place} />
      </section>
      <section className="panel" aria-labelledby="response-pin-gaps-title" data-testid="response-pin-gaps">
        <h2 id="response-pin-gaps-title">{t('response.pinGaps.title', { count: pinGaps.length })}</h2>
        <p className="muted">{dashboard.pinYear === null ? t('response.pinGaps.noHno') : t('response.pinGaps.intro', { year: dashboard.pinYear })}</p>
        {dashboard.pinYear !== null && pinGaps.length === 0 ? <p>{t('response.gaps.none')}</p> : null}
        {pinGaps.length > 0 ? <GapTable gaps={pinGaps.map((gap) => ({ admin2: gap.admin2, sector: gap.sector, size: gap.pin }))} sizeLabel={t('response.columns.pin')} place={place} /> : null}
      </section>
      <section className="panel" aria-labelledby="response-sphere-title" data-testid="response-sphere">
        <h2 id="response-sphere-title">{t('response.sphere.title', { count: dashboard.sphereFlags.length })}</h2>
        <p className="muted">{t('response.sphere.intro')}</p>
        {dashboard.sphereFlags.length === 0 ? <p>{t('response.sphere.none')}</p> : (
          <div className="table-scroll">
            <DataTable columns={[t('response.columns.admin2'), t('response.sphere.indicator'), { label: t('response.sphere.value'), className: 'number' }, { label: t('response.sphere.limit'), className: 'number' }, t('response.sphere.source')]}>
              {dashboard.sphereFlags.slice(0, 200).map((flag) => (
                <tr key={`${flag.threshold}-${flag.place}-${flag.month}-${flag.sector}`}>
                  <td>{place(flag.admin2)}{flag.place !== flag.admin2 ? ` · ${flag.place}` : ''}</td>
                  <td>{format.language === 'fr' ? flag.label.fr : flag.label.en}</td>
                  <td className="number">{format.number(flag.ratio)}</td>
                  <td className="number">{`${flag.comparison === 'above' ? '≤' : '≥'} ${format.number(flag.limit)}`}</td>
                  <td className="muted">{flag.source}</td>
                </tr>
              ))}
            </DataTable>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="response-overlaps-title" data-testid="response-overlaps">
        <h2 id="response-overlaps-title">{t('response.overlaps.title', { count: overlaps.length })}</h2>
        {overlaps.length === 0 ? <p>{t('response.overlaps.none')}</p> : null}
        <div className="table-scroll">
          <DataTable columns={[t('response.columns.place'), t('response.columns.activity'), t('response.columns.month'), t('response.columns.organisations')]}>
            {overlaps.slice(0, 200).map((overlap) => (
              <tr key={`${overlap.place}-${overlap.activity}-${overlap.month}`}>
                <td>{place(overlap.place)}</td>
                <td className="code">{overlap.activity}</td>
                <td>{overlap.month}</td>
                <td>{overlap.organisations.join(', ')}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      </section>
    </div>
  );
}

/** A list of reports with a checkbox each and actions on the checked ones (all of them, not page by page). */
function ReportQueue({
  title,
  status,
  actions,
  testId,
  version,
  onChanged,
}: {
  title: string;
  status: string;
  actions: ReadonlyArray<{ label: string; decision: 'submitted' | 'approved' | 'rejected' | 'published'; needsComment?: boolean }>;
  testId: string;
  version: number;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useApi<ReportsResponse>(buildUrl('/api/response/reports', { status, limit: 10_000 }), { version });
  const reports = list.data?.reports ?? [];
  const [checked, setChecked] = useState<Set<number>>(new Set());
  const [comment, setComment] = useState('');
  const { busy, error, run } = useAction();
  const allChecked = reports.length > 0 && reports.every((report) => checked.has(report.id));
  // A selection is made on the list as it is now: not while a newer one is loading.
  const settling = list.loading || list.stale;

  const act = (decision: 'submitted' | 'approved' | 'rejected' | 'published') =>
    run(async () => {
      const ids = [...checked];
      if (decision === 'submitted') await sendJson('POST', '/api/response/reports/submit', { ids });
      else await sendJson('POST', '/api/response/reports/decisions', { ids, decision, ...(comment.trim() === '' ? {} : { comment }) });
      setChecked(new Set());
      setComment('');
      onChanged();
    });

  return (
    <section className="panel" data-testid={testId}>
      <h2>{title}</h2>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <LoadingStatus loading={list.loading} label={t('response.reports.loading')} />
      {list.data && reports.length === 0 ? <p className="muted">{t('response.reports.empty')}</p> : null}
      {reports.length > 0 ? (
        <>
          <QueueActions
            label={t('response.reports.actions')}
            checkAll={{
              label: t('response.reports.all', { count: list.data?.total ?? reports.length }),
              checked: allChecked,
              disabled: settling,
              testId: `${testId}-all`,
              onToggle: () => setChecked(allChecked ? new Set() : new Set(reports.map((report) => report.id))),
            }}
            comment={actions.some((action) => action.needsComment) ? { label: t('response.reports.comment'), value: comment, onChange: setComment } : undefined}
          >
            {actions.map((action) => (
              <button
                key={action.decision}
                type="button"
                className="button small"
                disabled={busy || settling || checked.size === 0}
                onClick={() => void act(action.decision)}
                data-testid={`${testId}-${action.decision}`}
              >
                {action.label} ({format.number(checked.size)})
              </button>
            ))}
          </QueueActions>
          {error ? <ErrorNotice error={error} /> : null}
          <div className="table-scroll">
            <DataTable columns={[<span className="visually-hidden">{t('response.reports.select')}</span>, t('response.columns.organisation'), t('response.columns.sector'), t('response.columns.activity'), t('response.columns.place'), t('response.columns.month'), { label: t('response.columns.reached'), className: 'number' }, t('response.columns.comment')]}>
              {reports.slice(0, 500).map((report) => {
                const reached = report.figures.find((figure) => figure.measure === 'reached' && figure.group === 'all' && figure.sex === 'all' && figure.age === 'all');
                return (
                  <tr key={report.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('response.reports.selectOne', { id: report.id })}
                        checked={checked.has(report.id)}
                        disabled={settling}
                        onChange={() => {
                          const next = new Set(checked);
                          if (next.has(report.id)) next.delete(report.id);
                          else next.add(report.id);
                          setChecked(next);
                        }}
                      />
                    </td>
                    <td>{report.reportingOrganisation.acronym}</td>
                    <td className="code">{report.sectorCode}</td>
                    <td className="code">{report.activity}</td>
                    <td className="code">{report.location.admin3 ?? report.location.admin2 ?? report.location.admin1}</td>
                    <td>{report.month}</td>
                    <td className="number">{reached ? format.number(reached.value) : '—'}</td>
                    <td>{report.reviewComment ?? ''}</td>
                  </tr>
                );
              })}
            </DataTable>
          </div>
          {reports.length > 500 ? <p className="muted">{t('response.reports.more', { count: reports.length - 500 })}</p> : null}
        </>
      ) : null}
    </section>
  );
}

/** Entering one report: organisation, activity, place, month, targeted, reached and new. */
function ReportForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const activities = useApi<{ activities: ActivityView[] }>('/api/response/activities');
  const choices = useOrganisationChoices();
  const [values, setValues] = useState({ organisation: '', activity: '', pcode: '', month: '', targeted: '', reached: '', reachedNew: '' });
  const saving = useAction();
  const [saved, setSaved] = useState(false);
  const id = useId();
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => setValues({ ...values, [key]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const activity = activities.data?.activities.find((candidate) => candidate.code === values.activity);
    const number = (text: string) => (text.trim() === '' ? null : Number(text));
    const cells = (
      [
        ['targeted', number(values.targeted)],
        ['reached', number(values.reached)],
        ['reached-new', number(values.reachedNew)],
      ] as const
    ).flatMap(([measure, value]) => (value === null ? [] : [{ measure, group: 'all', sex: 'all', age: 'all', value }]));
    await saving.run(async () => {
      await sendJson('POST', '/api/response/reports', {
        month: values.month,
        reportingOrganisationId: Number(values.organisation || choices[0]?.id),
        sector: activity?.sectorCode ?? '',
        activity: values.activity,
        location: { pcode: values.pcode.trim() },
        figures: cells,
      });
      setSaved(true);
      setValues({ ...values, pcode: '', targeted: '', reached: '', reachedNew: '' });
      onSaved();
    });
  }

  return (
    <form className="panel response-form" onSubmit={(event) => void submit(event)} data-testid="response-report-form">
      <h2>{t('response.form.title')}</h2>
      <div className="form-grid">
        <OrganisationField id={`${id}-org`} label={t('response.columns.organisation')} value={values.organisation} organisations={choices} onChange={set('organisation')} />
        <Field id={`${id}-activity`} label={t('response.columns.activity')}>
          <select id={`${id}-activity`} value={values.activity} onChange={set('activity')} required>
            <option value="">—</option>
            {(activities.data?.activities ?? []).map((activity) => (
              <option key={activity.code} value={activity.code}>
                {activity.sectorCode} · {format.language === 'en' ? activity.name.en : activity.name.fr}
              </option>
            ))}
          </select>
        </Field>
        <InputField id={`${id}-pcode`} label={t('response.form.pcode')} value={values.pcode} onChange={set('pcode')} required maxLength={20} placeholder="ML0501" />
        <InputField id={`${id}-month`} label={t('response.columns.month')} type="month" value={values.month} onChange={set('month')} required />
        <InputField id={`${id}-targeted`} label={t('response.form.targeted')} type="number" min={0} value={values.targeted} onChange={set('targeted')} />
        <InputField id={`${id}-reached`} label={t('response.columns.reached')} type="number" min={0} value={values.reached} onChange={set('reached')} />
        <InputField id={`${id}-new`} label={t('response.form.reachedNew')} type="number" min={0} value={values.reachedNew} onChange={set('reachedNew')} />
      </div>
      {saving.error ? <ErrorNotice error={saving.error} /> : null}
      {saved ? <p className="notice notice-success" role="status">{t('response.form.saved')}</p> : null}
      <button type="submit" className="button primary">
        {t('response.form.save')}
      </button>
    </form>
  );
}

/** /response: presence by admin2 per sector, gaps and overlaps; a partner's reports; a coordinator's review queue. */
export function ResponsePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const [filters, setFilters] = useState<Filters>(() => ({ country: 'ML', month: '', sector: new URLSearchParams(window.location.search).get('sector') ?? '' }));
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((value) => value + 1), []);
  const periods = useApi<{ periods: PeriodView[] }>('/api/response/periods', { version });
  const sectors = useApi<{ sectors: SectorView[] }>('/api/response/sectors');
  const dashboard = useApi<Dashboard>(
    buildUrl('/api/response/dashboard', { country: filters.country, month: filters.month === '' ? undefined : filters.month, sector: filters.sector === '' ? undefined : filters.sector }),
    { version },
  );
  const boundaries = useApi<BoundaryCollection>(buildUrl('/api/geo/boundaries', { country: filters.country, level: 2, detail: 'simplified' }), { cache: true });
  const names = useMemo(() => new Map((boundaries.data?.features ?? []).map((feature) => [feature.properties.pcode, feature.properties.name])), [boundaries.data]);
  const months = [...new Set((periods.data?.periods ?? []).filter((period) => period.country === filters.country).map((period) => period.month))].sort().reverse();
  const ids = { country: useId(), month: useId(), sector: useId() };

  usePageTitle(t('response.title'));

  return (
    <section className="page response-page" aria-labelledby="response-title" data-testid="response-page">
      <PageHeader id="response-title" title={t('response.title')} intro={t('response.intro')} />
      <form className="controls panel" aria-label={t('response.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.country}>{t('response.columns.country')}</label>
          <select id={ids.country} value={filters.country} onChange={(event) => setFilters({ ...filters, country: event.target.value, month: '' })} data-testid="response-country">
            {COUNTRIES.map((country) => (
              <option key={country} value={country}>
                {format.country(country)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.month}>{t('response.columns.month')}</label>
          <select id={ids.month} value={filters.month} onChange={(event) => setFilters({ ...filters, month: event.target.value })} data-testid="response-month">
            <option value="">{t('response.allMonths')}</option>
            {months.map((month) => (
              <option key={month} value={month}>
                {month}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.sector}>{t('response.columns.sector')}</label>
          <select id={ids.sector} value={filters.sector} onChange={(event) => setFilters({ ...filters, sector: event.target.value })} data-testid="response-sector">
            <option value="">{t('response.allSectors')}</option>
            {(sectors.data?.sectors ?? []).map((sector) => (
              <option key={sector.code} value={sector.code}>
                {sector.code} — {format.language === 'fr' ? sector.name.fr : sector.name.en}
              </option>
            ))}
          </select>
        </div>
      </form>
      {dashboard.error ? <ErrorNotice error={dashboard.error} onRetry={dashboard.retry} /> : null}
      <LoadingStatus loading={dashboard.loading} label={t('response.loading')} />
      <PresenceMap filters={filters} dashboard={dashboard.data} names={names} />
      {dashboard.data ? <GapsAndOverlaps dashboard={dashboard.data} filters={filters} names={names} /> : null}
      {session.can('response.report') ? (
        <>
          <ReportForm onSaved={changed} />
          <FiveWImport sectors={sectors.data?.sectors ?? []} onImported={changed} />
          <ReportQueue title={t('response.reports.drafts')} status="draft" testId="response-drafts" version={version} onChanged={changed} actions={[{ label: t('response.reports.submit'), decision: 'submitted' }]} />
          <ReportQueue title={t('response.reports.rejected')} status="rejected" testId="response-rejected" version={version} onChanged={changed} actions={[{ label: t('response.reports.submit'), decision: 'submitted' }]} />
        </>
      ) : null}
      {session.can('response.review') ? (
        <>
          <ReportQueue
            title={t('response.reports.review')}
            status="submitted"
            testId="response-review"
            version={version}
            onChanged={changed}
            actions={[
              { label: t('response.reports.approve'), decision: 'approved' },
              { label: t('response.reports.reject'), decision: 'rejected', needsComment: true },
            ]}
          />
          <ReportQueue
            title={t('response.reports.toPublish')}
            status="approved"
            testId="response-publish"
            version={version}
            onChanged={changed}
            actions={[{ label: t('response.reports.publish'), decision: 'published' }]}
          />
        </>
      ) : null}
    </section>
  );
}
