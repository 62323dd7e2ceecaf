import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, buildUrl } from '../api.js';
import { LoadOnOpen } from '../components/LoadOnOpen.js';
import { CancelUpload, UploadOutcome } from '../components/UploadStatus.js';
import { useFileSender } from '../useFileSender.js';
import { useFormat } from '../useFormat.js';
import { importProblem, MAX_YEAR, MIN_YEAR, parseYear, REFUSED_LIST_LIMIT, type ImportProblem } from './importErrors.js';
import { ImportReport, NameMismatchTable, RefusedTable } from './ImportReport.js';
import type { ImportResponse, ImportReport as Report, ImportsResponse } from './types.js';
import { DataTable } from '../components/DataTable.js';
import { InputField } from '../components/FormFields.js';

type Phase =
  | { name: 'idle' }
  | { name: 'uploading'; loaded: number; total: number }
  | { name: 'processing' }
  | { name: 'done'; report: Report }
  | { name: 'cancelled' }
  | { name: 'error'; error: ApiError; problem: ImportProblem };

/** Admin levels a population table can be read at (the server accepts 0–5). */
const LEVELS = [0, 1, 2, 3, 4, 5];

export const IMPORT_ACCEPT = '.csv,.json,.geojson,.topojson';

function ImportHistory({ version }: { version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <LoadOnOpen<ImportsResponse, ImportsResponse['imports'][number]>
      url="/api/geo/imports"
      version={version}
      className="import-history"
      testId="import-history"
      title={(count) => (count === undefined ? t('geo.import.history.title') : t('geo.import.history.titleCount', { count }))}
      items={(response) => response.imports}
      empty={t('geo.import.history.empty')}
    >
      {(imports) => (
        <DataTable columns={[t('geo.import.history.date'), t('geo.import.history.file'), t('geo.import.history.kind'), { label: t('geo.import.history.counts'), className: 'num' }]}>
          {imports.map((item) => (
            <tr key={item.id}>
              <td className="date">{format.dateTime(item.createdAt)}</td>
              <td className="code">{item.fileName}</td>
              <td>
                {t(`geo.import.report.kinds.${item.kind}`, { defaultValue: item.kind })}
                {item.country ? ` · ${item.country}` : ''}
                {item.level !== null ? ` · ${t('geo.levelName', { level: item.level })}` : ''}
              </td>
              <td className="num">
                {[item.added, item.updated, item.unchanged, item.refused.length].map((n) => format.number(n)).join(' / ')}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </LoadOnOpen>
  );
}

/**
 * Upload a COD-AB or COD-PS file (raw bytes) with a real progress bar, then show the import
 * report. The errors the user can act on are spelled out: refused rows (import anyway, skipping
 * them), a boundary reform (names that changed; needs its valid-from date), a population table
 * without a year (advanced options).
 */
export function ImportPanel({ onImported, version }: { onImported: (report: Report) => void; version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = {
    file: useId(),
    validFrom: useId(),
    year: useId(),
    level: useId(),
    levelHelp: useId(),
    pcodeProperty: useId(),
    pcodeCandidates: useId(),
    nameProperty: useId(),
    title: useId(),
  };
  const [file, setFile] = useState<File | null>(null);
  const [validFrom, setValidFrom] = useState('');
  const [year, setYear] = useState('');
  const [level, setLevel] = useState('');
  const [pcodeProperty, setPcodeProperty] = useState('');
  const [nameProperty, setNameProperty] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [yearInvalid, setYearInvalid] = useState(false);
  const [phase, setPhase] = useState<Phase>({ name: 'idle' });
  const [missingFile, setMissingFile] = useState(false);
  const sender = useFileSender();
  const validFromInput = useRef<HTMLInputElement>(null);
  const yearInput = useRef<HTMLInputElement>(null);
  const pcodePropertyInput = useRef<HTMLInputElement>(null);
  /** The field to take the user to once the next render is on screen. */
  const focusNext = useRef<'validFrom' | 'year' | 'pcodeProperty' | null>(null);
  const busy = phase.name === 'uploading' || phase.name === 'processing';
  const problem: ImportProblem = phase.name === 'error' ? phase.problem : { kind: 'other' };

  useEffect(() => {
    const target = focusNext.current;
    if (target === null) return;
    focusNext.current = null;
    (target === 'year' ? yearInput : target === 'pcodeProperty' ? pcodePropertyInput : validFromInput).current?.focus();
  });

  function askForYear() {
    setAdvancedOpen(true);
    focusNext.current = 'year';
  }

  function start(selected: File, skipRefused = false) {
    const yearValue = parseYear(year);
    // A number input reads "" when what is typed is not a number: that is not "no year".
    if (yearValue === undefined || yearInput.current?.validity.badInput) {
      setYearInvalid(true);
      askForYear();
      return;
    }
    const url = buildUrl('/api/geo/imports', {
      fileName: selected.name,
      validFrom,
      year: yearValue,
      level,
      skipRefused: skipRefused || undefined,
      pcodeProperty: pcodeProperty.trim(),
      nameProperty: nameProperty.trim(),
    });
    sender.send<ImportResponse>(url, selected, setPhase).then(
      (data) => {
        setPhase({ name: 'done', report: data.import });
        onImported(data.import);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.kind === 'aborted') {
          setPhase({ name: 'cancelled' });
          return;
        }
        const apiError = error instanceof ApiError ? error : new ApiError('network', String(error));
        const found = importProblem(apiError.code, apiError.details);
        setPhase({ name: 'error', error: apiError, problem: found });
        if (found.kind === 'reformNeedsDate') {
          // The server asks for the date only when none was sent: the field is empty.
          if (found.suggestedValidFrom) setValidFrom(found.suggestedValidFrom);
          focusNext.current = 'validFrom';
        } else if (found.kind === 'populationYearMissing') {
          askForYear();
        } else if (found.kind === 'pcodeProperty') {
          setAdvancedOpen(true);
          focusNext.current = 'pcodeProperty';
        }
      },
    );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setMissingFile(true);
      return;
    }
    start(file);
  }

  const advancedSummary = [
    year.trim() ? t('geo.import.advanced.yearSummary', { year: year.trim() }) : null,
    level ? t('geo.levelName', { level }) : null,
    pcodeProperty.trim() ? t('geo.import.advanced.propertySummary', { property: pcodeProperty.trim() }) : null,
  ].filter((part): part is string => part !== null);

  return (
    <section className="panel import-panel" data-testid="geo-import" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{t('geo.import.title')}</h2>
      <p className="muted">{t('geo.import.intro')}</p>
      <form className="import-form" onSubmit={onSubmit} noValidate>
        <InputField
          id={ids.file}
          label={t('geo.import.file')}
          name="file"
          type="file"
          accept={IMPORT_ACCEPT}
          disabled={busy}
          error={missingFile ? t('geo.import.chooseFile') : null}
          help={file ? `${file.name} · ${format.bytes(file.size)}` : t('geo.import.fileHelp')}
          onChange={(event) => {
            setFile(event.currentTarget.files?.[0] ?? null);
            setMissingFile(false);
            // An error about the previous file no longer applies; a report stays until replaced.
            setPhase((previous) => (previous.name === 'error' ? { name: 'idle' } : previous));
          }}
        />
        <InputField
          ref={validFromInput}
          id={ids.validFrom}
          label={t('geo.import.validFrom')}
          name="validFrom"
          type="date"
          data-testid="geo-import-valid-from"
          value={validFrom}
          disabled={busy}
          help={t('geo.import.validFromHelp')}
          onChange={(event) => setValidFrom(event.currentTarget.value)}
        />
        <details
          className="advanced-options"
          data-testid="geo-import-advanced"
          open={advancedOpen}
          onToggle={(event) => setAdvancedOpen(event.currentTarget.open)}
        >
          <summary>
            {t('geo.import.advanced.title')}
            {advancedSummary.length > 0 ? <span className="muted"> ({advancedSummary.join(', ')})</span> : null}
          </summary>
          <div className="advanced-fields">
            <InputField
              ref={yearInput}
              id={ids.year}
              label={t('geo.import.advanced.year')}
              name="year"
              type="number"
              inputMode="numeric"
              min={MIN_YEAR}
              max={MAX_YEAR}
              step={1}
              data-testid="geo-import-year"
              value={year}
              disabled={busy}
              error={yearInvalid ? t('geo.import.advanced.yearInvalid', { min: MIN_YEAR, max: MAX_YEAR }) : null}
              help={t('geo.import.advanced.yearHelp')}
              onChange={(event) => {
                setYear(event.currentTarget.value);
                setYearInvalid(false);
              }}
            />
            <div className="field">
              <label htmlFor={ids.level}>{t('geo.import.advanced.level')}</label>
              <select
                id={ids.level}
                name="level"
                data-testid="geo-import-level"
                value={level}
                disabled={busy}
                aria-describedby={ids.levelHelp}
                onChange={(event) => setLevel(event.currentTarget.value)}
              >
                <option value="">{t('geo.import.advanced.levelAuto')}</option>
                {LEVELS.map((value) => (
                  <option key={value} value={String(value)}>
                    {t('geo.levelName', { level: value })}
                  </option>
                ))}
              </select>
              <span id={ids.levelHelp} className="help">
                {t('geo.import.advanced.levelHelp')}
              </span>
            </div>
            <InputField
              ref={pcodePropertyInput}
              id={ids.pcodeProperty}
              label={t('geo.import.advanced.pcodeProperty')}
              name="pcodeProperty"
              type="text"
              list={ids.pcodeCandidates}
              data-testid="geo-import-pcode-property"
              value={pcodeProperty}
              disabled={busy}
              maxLength={200}
              help={t('geo.import.advanced.pcodePropertyHelp')}
              onChange={(event) => setPcodeProperty(event.currentTarget.value)}
            />
            <datalist id={ids.pcodeCandidates}>
              {(problem.kind === 'pcodeProperty' ? problem.candidates : []).map((candidate) => (
                <option key={candidate} value={candidate} />
              ))}
            </datalist>
            <InputField
              id={ids.nameProperty}
              label={t('geo.import.advanced.nameProperty')}
              name="nameProperty"
              type="text"
              data-testid="geo-import-name-property"
              value={nameProperty}
              disabled={busy}
              maxLength={200}
              help={t('geo.import.advanced.namePropertyHelp')}
              onChange={(event) => setNameProperty(event.currentTarget.value)}
            />
          </div>
        </details>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="geo-import-submit">
            {t('geo.import.submit')}
          </button>
          {busy ? <CancelUpload onCancel={sender.cancel} /> : null}
        </div>
      </form>

      <UploadOutcome
        stage={phase.name === 'uploading' || phase.name === 'processing' || phase.name === 'cancelled' ? phase : null}
        testId="geo-import-progress"
        label={t('geo.import.progressLabel')}
        uploading={(progress) => t('geo.import.uploading', { file: file?.name ?? '', ...progress })}
        processing={t('geo.import.processing')}
        cancelled={t('geo.import.cancelled')}
        error={phase.name === 'error' ? phase.error : null}
        errorTestId="geo-import-error"
        errorClassName="import-problem"
        onRetry={file ? () => start(file) : undefined}
      >
        {problem.kind === 'pcodeProperty' ? <p className="hint">{t('geo.import.advanced.pcodePropertyAsked')}</p> : null}
        {problem.kind === 'rowsRefused' ? (
          <div className="refused" data-testid="geo-import-refused">
            <h3>{t('geo.import.report.refusedTitle')}</h3>
            <RefusedTable rows={problem.refused} testId="geo-import-refused-rows" />
            <div className="form-actions">
              <button
                type="button"
                className="button primary"
                data-testid="geo-import-anyway"
                disabled={!file}
                onClick={() => {
                  if (file) start(file, true);
                }}
              >
                {problem.refused.length >= REFUSED_LIST_LIMIT
                  ? t('geo.import.importAnywayAtLeast', { limit: problem.refused.length })
                  : t('geo.import.importAnyway', { count: problem.refused.length })}
              </button>
            </div>
          </div>
        ) : null}
        {problem.kind === 'reformNeedsDate' ? (
          <div className="name-mismatches" data-testid="geo-import-reform">
            <p>
              {problem.suggestedValidFrom
                ? t('geo.import.reform.dateSuggested', { date: format.date(problem.suggestedValidFrom, 'long') })
                : t('geo.import.reform.dateNeeded')}
            </p>
            {problem.nameMismatches.length > 0 ? (
              <>
                <h3>{t('geo.import.reform.title', { count: problem.nameMismatches.length })}</h3>
                <NameMismatchTable rows={problem.nameMismatches} testId="geo-import-mismatches" />
              </>
            ) : null}
          </div>
        ) : null}
      </UploadOutcome>
      {phase.name === 'done' ? <ImportReport report={phase.report} /> : null}
      <ImportHistory version={version} />
    </section>
  );
}
