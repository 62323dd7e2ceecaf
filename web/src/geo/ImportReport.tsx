import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import type { ImportReport as Report } from './types.js';

const REFUSED_PREVIEW = 100;
const CODES_PREVIEW = 60;

function CodeList({ title, codes, testId }: { title: string; codes: string[]; testId: string }) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  if (codes.length === 0) return null;
  const shown = all ? codes : codes.slice(0, CODES_PREVIEW);
  return (
    <details className="code-list" data-testid={testId}>
      <summary>{title}</summary>
      <ul>
        {shown.map((code) => (
          <li key={code} className="code">
            {code}
          </li>
        ))}
      </ul>
      {codes.length > CODES_PREVIEW ? (
        <button type="button" className="link-button" onClick={() => setAll(!all)}>
          {all ? t('common.showFewer') : t('common.showAll', { count: codes.length })}
        </button>
      ) : null}
    </details>
  );
}

/** What an import did: counts, refused rows with their reasons, P-codes that do not match. */
export function ImportReport({ report }: { report: Report }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [allRefused, setAllRefused] = useState(false);
  const refused = allRefused ? report.refused : report.refused.slice(0, REFUSED_PREVIEW);

  const counts = [
    { key: 'added', value: report.added },
    { key: 'updated', value: report.updated },
    { key: 'unchanged', value: report.unchanged },
    { key: 'refused', value: report.refused.length },
  ] as const;

  return (
    <section className="import-report" data-testid="import-report" aria-labelledby="import-report-title">
      <h3 id="import-report-title">{t('geo.import.report.title')}</h3>
      {report.alreadyImported ? (
        <p className="notice notice-info" data-testid="import-already">
          {t('geo.import.report.already', { date: format.dateTime(report.createdAt) })}
        </p>
      ) : (
        <p className="notice notice-success">{t('geo.import.report.done', { file: report.fileName })}</p>
      )}
      <dl className="report-meta">
        <div>
          <dt>{t('geo.import.report.kind')}</dt>
          <dd>{t(`geo.import.report.kinds.${report.kind}`, { defaultValue: report.kind })}</dd>
        </div>
        {report.country ? (
          <div>
            <dt>{t('geo.import.report.country')}</dt>
            <dd className="code">{report.country}</dd>
          </div>
        ) : null}
        {report.level !== null ? (
          <div>
            <dt>{t('geo.import.report.level')}</dt>
            <dd>{t('geo.levelName', { level: report.level })}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('geo.import.report.checksum')}</dt>
          <dd className="code" title={report.sha256}>
            {report.sha256.slice(0, 12)}…
          </dd>
        </div>
      </dl>
      <ul className="stat-cards">
        {counts.map(({ key, value }) => (
          <li key={key} className={`stat-card stat-${key}`} data-testid={`import-${key}`}>
            <span className="stat-value">{format.number(value)}</span>
            <span className="stat-label">{t(`geo.import.report.${key}`)}</span>
          </li>
        ))}
      </ul>

      {report.refused.length > 0 ? (
        <div className="refused">
          <h4>{t('geo.import.report.refusedTitle')}</h4>
          <div className="table-scroll">
            <table className="data-table" data-testid="import-refused">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('geo.import.report.row')}
                  </th>
                  <th scope="col">{t('geo.import.report.column')}</th>
                  <th scope="col">{t('geo.import.report.value')}</th>
                  <th scope="col">{t('geo.import.report.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {refused.map((row, index) => (
                  <tr key={`${row.row}-${row.column ?? ''}-${index}`}>
                    <td className="num">{format.number(row.row)}</td>
                    <td className="code">{row.column ?? t('common.none')}</td>
                    <td className="code">{row.value ?? t('common.none')}</td>
                    <td title={row.code}>{row.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.refused.length > REFUSED_PREVIEW ? (
            <button type="button" className="link-button" onClick={() => setAllRefused(!allRefused)}>
              {allRefused ? t('common.showFewer') : t('common.showAll', { count: report.refused.length })}
            </button>
          ) : null}
        </div>
      ) : null}

      <CodeList
        testId="import-without-gazetteer"
        title={t('geo.import.report.withoutGazetteer', { count: report.withoutGazetteer.length })}
        codes={report.withoutGazetteer}
      />
      <CodeList
        testId="import-without-geometry"
        title={t('geo.import.report.withoutGeometry', { count: report.withoutGeometry.length })}
        codes={report.withoutGeometry}
      />
    </section>
  );
}
