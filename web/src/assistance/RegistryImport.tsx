import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { REGISTRY_FIELDS, REQUIRED_REGISTRY_FIELDS, type RegistryField } from '../../../src/shared/registry.js';
import { buildUrl } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { OrganisationField, SheetField } from '../components/FormFields.js';
import { ErrorNotice } from '../components/Status.js';
import { CancelUpload, JobProgress, UploadOutcome, uploadWords } from '../components/UploadStatus.js';
import { useFormat } from '../useFormat.js';
import { useImportSteps } from '../useImportSteps.js';
import { useOrganisationChoices } from '../useOrganisationChoices.js';
import type { RegistryJob, RegistrySheetView, RegistryUploadView } from './types.js';

const IMPORT_PATHS = {
  job: (id: number) => `/api/assistance/imports/jobs/${id}`,
  start: (upload: RegistryUploadView) => `/api/assistance/imports/uploads/${upload.id}/start`,
};

/** The column chosen for each field: what the server recognised until the user picks another (or none). */
type Mapping = Partial<Record<RegistryField, string | null>>;

const columnOf = (sheet: RegistrySheetView, mapping: Mapping, field: RegistryField): string | null => (field in mapping ? (mapping[field] ?? null) : (sheet.columns[field] ?? null));

/**
 * Registering households from a file (CSV or XLSX, one row per person with a household key), as
 * a partner's Excel list or a Kobo export comes: upload with progress, the sheet and the columns
 * Liptako recognised — each can be changed, with a sample value beside it — then the job's
 * progress, and either the households registered or every finding (row, column, value, why) with
 * nothing stored, so the officer corrects the file and sends it again.
 */
export function RegistryImport({ onImported }: { onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const id = useId();
  const choices = useOrganisationChoices();
  const [organisation, setOrganisation] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [sheetName, setSheetName] = useState('');
  const [mapping, setMapping] = useState<Mapping>({});
  const { step, upload, send: sendFile, start: startImport, cancel } = useImportSteps<RegistryUploadView, RegistryJob>(IMPORT_PATHS, onImported);

  function send(event: FormEvent) {
    event.preventDefault();
    const organisationId = Number(organisation || choices[0]?.id);
    if (file === null || !Number.isInteger(organisationId)) return;
    sendFile(buildUrl('/api/assistance/imports/uploads', { fileName: file.name, organisationId }), file, (sent) => {
      setSheetName(sent.suggestedSheet);
      setMapping({});
    });
  }

  function start(upload: RegistryUploadView, sheet: RegistrySheetView) {
    startImport(upload, {
      sheet: upload.format === 'xlsx' ? sheet.name : null,
      headerRow: sheet.headerRow,
      columns: Object.fromEntries(REGISTRY_FIELDS.map((field) => [field, columnOf(sheet, mapping, field)])),
    });
  }

  const sheet = upload?.sheets.find((candidate) => candidate.name === sheetName) ?? upload?.sheets[0];
  const missing = sheet === undefined ? [] : REQUIRED_REGISTRY_FIELDS.filter((field) => columnOf(sheet, mapping, field) === null);
  const result = step.name === 'finished' && step.job.status === 'succeeded' ? step.job.result : null;
  const refused = step.name === 'finished' && step.job.status !== 'succeeded' ? step.job : null;
  const language = i18n.language.startsWith('fr') ? 'fr' : 'en';

  return (
    <section className="panel registry-import" aria-labelledby={`${id}-title`} data-testid="registry-import">
      <h2 id={`${id}-title`}>{t('assistance.import.title')}</h2>
      <p className="muted">{t('assistance.import.intro')}</p>
      <form onSubmit={send} className="form-grid">
        <OrganisationField id={`${id}-org`} label={t('assistance.columns.organisation')} value={organisation} organisations={choices} onChange={(event) => setOrganisation(event.target.value)} />
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('assistance.import.file')}</label>
          <input id={`${id}-file`} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(event) => setFile(event.target.files?.[0] ?? null)} data-testid="registry-import-file" />
        </div>
        <div className="field">
          <button type="submit" className="button" disabled={file === null || choices.length === 0 || step.name === 'sending' || step.name === 'running'} data-testid="registry-import-send">
            {t('assistance.import.send')}
          </button>
          {step.name === 'sending' && step.stage.name === 'uploading' ? <CancelUpload onCancel={cancel} /> : null}
        </div>
      </form>
      <UploadOutcome stage={step.name === 'sending' ? step.stage : null} testId="registry-import-progress" {...uploadWords(t, 'assistance.import')} error={step.name === 'error' ? step.error : null} errorTestId="registry-import-error" />
      {upload !== null && sheet !== undefined ? (
        <div data-testid="registry-import-preview">
          <h3>{t('assistance.import.preview', { file: upload.fileName, rows: format.number(sheet.rows) })}</h3>
          <SheetField
            id={`${id}-sheet`}
            label={t('assistance.import.sheet')}
            sheets={upload.sheets}
            value={sheet.name}
            disabled={step.name !== 'preview'}
            onChange={(name) => {
              setSheetName(name);
              setMapping({});
            }}
          />
          <p>{t('assistance.import.headerRow', { row: sheet.headerRow })}</p>
          <div className="table-scroll">
            <DataTable columns={[t('assistance.import.field'), t('assistance.import.column'), t('assistance.import.sample')]} caption={t('assistance.import.mapping')}>
              {REGISTRY_FIELDS.map((field) => {
                const column = columnOf(sheet, mapping, field);
                const index = column === null ? -1 : sheet.headers.indexOf(column);
                const required = REQUIRED_REGISTRY_FIELDS.includes(field);
                return (
                  <tr key={field} data-field={field}>
                    <td>
                      <label htmlFor={`${id}-column-${field}`}>{t(`assistance.import.fields.${field}`)}</label>
                      {required ? <span className="muted small"> {t('assistance.import.required')}</span> : null}
                    </td>
                    <td>
                      <select id={`${id}-column-${field}`} value={column ?? ''} onChange={(event) => setMapping({ ...mapping, [field]: event.target.value === '' ? null : event.target.value })} disabled={step.name !== 'preview'}>
                        <option value="">{t('assistance.import.notRead')}</option>
                        {sheet.headers
                          .filter((header) => header !== '')
                          .map((header) => (
                            <option key={header} value={header}>
                              {header}
                            </option>
                          ))}
                      </select>
                    </td>
                    <td className="muted">{index >= 0 ? (sheet.samples[0]?.[index] ?? '') : ''}</td>
                  </tr>
                );
              })}
            </DataTable>
          </div>
          {missing.length > 0 ? (
            <p className="notice notice-error" role="alert" data-testid="registry-import-missing">
              {t('assistance.import.missing', { fields: missing.map((field) => t(`assistance.import.fields.${field}`)).join(', ') })}
            </p>
          ) : null}
          {step.name === 'preview' && step.error ? <ErrorNotice error={step.error} /> : null}
          {step.name === 'preview' ? (
            <button type="button" className="button primary" disabled={step.starting || missing.length > 0} onClick={() => start(upload, sheet)} data-testid="registry-import-start">
              {t('assistance.import.start')}
            </button>
          ) : null}
        </div>
      ) : null}
      {step.name === 'running' ? <JobProgress job={step.job} prefix="assistance.import" testId="registry-import-running" /> : null}
      {refused !== null ? (
        <div className="notice notice-error" role="alert" data-testid="registry-import-failed" data-code={refused.error?.code}>
          <p>{refused.message}</p>
          {refused.error?.details?.findings && refused.error.details.findings.length > 0 ? (
            <div className="table-scroll">
              <DataTable columns={[{ label: t('assistance.import.row'), className: 'number' }, t('assistance.import.column'), t('assistance.import.value'), t('assistance.import.problem')]} caption={t('assistance.import.findings', { count: refused.error.details.findingCount ?? refused.error.details.findings.length, formatted: format.number(refused.error.details.findingCount ?? refused.error.details.findings.length) })} testId="registry-import-findings">
                {refused.error.details.findings.map((finding, at) => (
                  <tr key={`${finding.row}-${at}`}>
                    <td className="number">{finding.row}</td>
                    <td>{String(finding.params.column ?? '—')}</td>
                    <td className="code">{String(finding.params.value ?? '')}</td>
                    <td>{finding.message[language]}</td>
                  </tr>
                ))}
              </DataTable>
            </div>
          ) : null}
          {refused.error?.details?.findingsTruncated ? <p className="small">{t('assistance.import.truncated', { shown: refused.error.details.findings?.length ?? 0 })}</p> : null}
        </div>
      ) : null}
      {result ? (
        <p className="notice notice-success" role="status" data-testid="registry-import-result">
          {t(result.alreadyImported ? 'assistance.import.already' : 'assistance.import.done', {
            count: result.households,
            households: format.number(result.households),
            people: t('assistance.import.people', { count: result.people, formatted: format.number(result.people) }),
            rows: format.number(result.rowsRead),
          })}
        </p>
      ) : null}
    </section>
  );
}
