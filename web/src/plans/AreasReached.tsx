import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { PlanAreasView } from '../../../src/response/plan-areas.js';
import { buildUrl } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { localName } from './labels.js';

/** Reached against target for each activity area, from approved and published 4W reports, beside its funding. */
export function AreasReached({ code, version }: { code: string; version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  // 4W figures are for readers of the response (verb response.read); anonymous visitors see the plan without them.
  const allowed = session.can('response.read');
  const state = useApi<PlanAreasView>(allowed ? buildUrl('/api/response/plan-areas', { plan: code }) : null, { version });
  if (!allowed) return null;
  if (state.error) return <ErrorNotice error={state.error} onRetry={state.retry} />;
  const areas = state.data?.areas ?? [];
  return (
    <section className="panel" aria-labelledby="areas-reached-title" id="areas-reached" data-testid="areas-reached">
      <h2 id="areas-reached-title">{t('plans.reached.title')}</h2>
      <p className="muted">{t('plans.reached.intro')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('plans.reached.area')}</th>
            <th scope="col" className="num">{t('plans.reached.reached')}</th>
            <th scope="col" className="num">{t('plans.reached.target')}</th>
            <th scope="col">{t('plans.reached.percent')}</th>
            <th scope="col" className="num">{t('plans.reached.funded')}</th>
            <th scope="col">{t('plans.reached.link')}</th>
          </tr>
        </thead>
        <tbody>
          {areas.map((area) => (
            <tr key={area.code} data-testid={`reached-${area.code}`} data-reached={area.peopleReached ?? ''}>
              <th scope="row">{localName(area.name, format.language)}</th>
              <td className="num">{area.peopleReached === null ? t('common.none') : format.number(area.peopleReached)}</td>
              <td className="num">{area.peopleTargeted === null ? t('common.none') : format.number(area.peopleTargeted)}</td>
              <td className="bar-cell">
                <span className="percent" data-testid="reached-percent">
                  {area.percentReached === null ? t('common.none') : format.percent(area.percentReached)}
                  {area.above100 ? ` ${t('plans.reached.above100')}` : ''}
                </span>
                <span className="funding-bar" aria-hidden="true">
                  <span className="bar-funded" style={{ width: `${Math.min(100, area.percentReached ?? 0)}%` }} />
                </span>
              </td>
              <td className="num">
                {format.money(area.funding.fundedUsd)}
                {area.funding.percentFunded === null ? null : <span className="sub muted">{format.percent(area.funding.percentFunded)}</span>}
              </td>
              <td>
                {area.activities.length === 0 || area.sectorCode === null ? (
                  <span className="muted">{t('plans.reached.noActivity')}</span>
                ) : (
                  <Link href={`/response?sector=${encodeURIComponent(area.sectorCode)}`}>{t('plans.reached.open', { count: area.activities.length })}</Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
