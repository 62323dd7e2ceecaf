import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import type { ImportReport as Report, NameMismatch, RefusedRow, RowOutcome } from './types.js';

const REFUSED_PREVIEW = 100;
const CODES_PREVIEW = 60;
/** Row-by-row outcomes shown (a commune layer has thousands). */
export const OUTCOMES_SHOWN = 500;

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

/** Rows of a file that were refused, with the reason of each (first 100, then all on request). */
export function RefusedTable({ rows, testId }: { rows: readonly RefusedRow[]; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, REFUSED_PREVIEW);
  return (
    <>
      <div className="table-scroll">
        <table className="data-table" data-testid={testId}>
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
            {shown.map((row, index) => (
              <tr key={`${row.row}-${row.column ?? ''}-${index}`} data-row={row.row}>
                <td className="num">{format.number(row.row)}</td>
                <td className="code">{row.column ?? t('common.none')}</td>
                <td className="code">{row.value ?? t('common.none')}</td>
                <td title={row.code}>{row.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > REFUSED_PREVIEW ? (
        <button type="button" className="link-button" onClick={() => setAll(!all)}>
          {all ? t('common.showFewer') : t('common.showAll', { count: rows.length })}
        </button>
      ) : null}
    </>
  );
}

/** P-codes whose name in the file is not the gazetteer's (not even a spelling variant). */
export function NameMismatchTable({ rows, testId }: { rows: readonly NameMismatch[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('geo.table.pcode')}</th>
            <th scope="col">{t('geo.import.mismatch.gazetteerName')}</th>
            <th scope="col">{t('geo.import.mismatch.fileName')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.pcode} data-pcode={row.pcode}>
              <td className="code">{row.pcode}</td>
              <td>{row.gazetteerName}</td>
              <td>{row.fileName}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What happened to each row (collapsed; rows are only rendered once opened). */
function OutcomeList({ outcomes }: { outcomes: readonly RowOutcome[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [open, setOpen] = useState(false);
  if (outcomes.length === 0) return null;
  const shown = outcomes.slice(0, OUTCOMES_SHOWN);
  return (
    <details className="code-list outcomes" data-testid="import-outcomes" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('geo.import.report.outcomesTitle', { count: outcomes.length })}</summary>
      {open ? (
        <>
          {outcomes.length > OUTCOMES_SHOWN ? (
            <p className="help">{t('geo.import.report.outcomesPreview', { shown: OUTCOMES_SHOWN, count: outcomes.length })}</p>
          ) : null}
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('geo.import.report.row')}
                  </th>
                  <th scope="col">{t('geo.table.pcode')}</th>
                  <th scope="col">{t('geo.import.report.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((row, index) => (
                  <tr key={`${row.row}-${row.pcode}-${index}`}>
                    <td className="num">{format.number(row.row)}</td>
                    <td className="code">{row.pcode}</td>
                    <td className={`outcome outcome-${row.outcome}`}>{t(`geo.import.report.outcomes.${row.outcome}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </details>
  );
}

/**
 * What an import did: new versions opened by a reform, counts, refused rows with their reasons,
 * names and P-codes that do not match, and the outcome of each row.
 */
export function ImportReport({ report }: { report: Report }) {
  const { t } = useTranslation();
  const format = useFormat();

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
      {/* A repeat changed nothing: the versions its first import opened would read as new ones. */}
      {(report.alreadyImported ? [] : report.versions).map((change) => (
        <p key={`${change.country}-${change.level}-${change.validFrom}`} className="notice notice-info" data-testid="import-version">
          {t('geo.import.report.version', {
            country: change.country,
            level: change.level,
            date: format.date(change.validFrom, 'long'),
            count: change.closed,
          })}
        </p>
      ))}
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
          <RefusedTable rows={report.refused} testId="import-refused-rows" />
        </div>
      ) : null}

      {report.nameMismatches.length > 0 ? (
        <div className="name-mismatches">
          <h4>{t('geo.import.report.nameMismatches', { count: report.nameMismatches.length })}</h4>
          <NameMismatchTable rows={report.nameMismatches} testId="import-name-mismatches" />
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
      <OutcomeList outcomes={report.outcomes} />
    </section>
  );
}
