import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../components/DataTable.js';
import { useFormat } from '../useFormat.js';
import { conflictingHeaders, fieldLabelKey, fieldsFor, ignoredCount, initialDraft, isComplete, mappingProblems, sideGroupOf, unreadable, type MappingDraft } from './mapping.js';
import { REQUIRED_FIELDS } from '../../../src/shared/displacement.js';
import type { RoundField, SheetView } from './types.js';

/** Sample values shown per column (the upload carries a few rows). */
const SAMPLES = 3;

/**
 * The column-mapping step: each header of the file with its HXL tag and a few values, and the
 * canonical field it goes to. Required fields are listed first with the column that feeds them;
 * a mapping confirmed for the same template earlier comes back pre-filled and marked so.
 */
export function MappingStep({
  sheet,
  ageRanges,
  busy,
  onConfirm,
}: {
  sheet: SheetView;
  ageRanges: readonly string[];
  busy: boolean;
  onConfirm: (mapping: MappingDraft) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const ids = { title: useId(), problems: useId() };
  const fields = fieldsFor(ageRanges);
  const [draft, setDraft] = useState<MappingDraft>(() => initialDraft(sheet.headers, sheet.mapping, fields));
  const [tried, setTried] = useState(false);
  const problems = mappingProblems(draft);
  const conflicts = conflictingHeaders(problems);
  const complete = isComplete(problems);
  const fieldText = (field: string): string => {
    const side = sideGroupOf(field);
    if (side) return t('displacement.fields.sideGroup', { group: t(`displacement.groups.${side.group}`), measure: fieldText(side.measure) });
    const label = fieldLabelKey(field, ageRanges);
    return t(label.key, label.options ?? {});
  };
  // Columns whose values would mostly turn rows into errors with the field chosen, said before the import runs.
  const doubtful = sheet.headers.flatMap((header, index) => {
    const field = draft[header] ?? null;
    const read = unreadable(sheet.columns[index], field);
    return read !== null && read.most && field !== null ? [{ header, field }] : [];
  });
  const headerOf = (field: RoundField) => Object.entries(draft).find(([, mapped]) => mapped === field)?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTried(true);
    if (complete && !busy) onConfirm(draft);
  }

  return (
    <form className="mapping-step" onSubmit={onSubmit} noValidate aria-labelledby={ids.title} data-testid="dtm-mapping">
      <h3 id={ids.title}>{t('displacement.mapping.title')}</h3>
      <p className="muted">{t('displacement.mapping.intro', { columns: sheet.headers.length, rows: format.number(sheet.rows) })}</p>
      {sheet.mappingConfirmed ? (
        <p className="notice notice-success" data-testid="dtm-mapping-confirmed">
          {t('displacement.mapping.confirmedBefore')}
        </p>
      ) : (
        <p className="notice notice-info" data-testid="dtm-mapping-suggested">
          {t('displacement.mapping.suggested')}
        </p>
      )}
      <ul className="required-fields" aria-label={t('displacement.mapping.requiredTitle')} data-testid="dtm-mapping-required">
        {REQUIRED_FIELDS.map((field) => {
          const header = headerOf(field);
          return (
            <li key={field} className={header ? 'ok' : 'missing'} data-field={field}>
              <span aria-hidden="true">{header ? '✓' : '✗'}</span> <strong>{fieldText(field)}</strong>{' '}
              {header ? t('displacement.mapping.fromColumn', { column: header }) : <span className="field-error">{t('displacement.mapping.notMapped')}</span>}
            </li>
          );
        })}
      </ul>
      <div className="table-scroll flat">
        <DataTable
          className="mapping-table"
          testId="dtm-mapping-table"
          caption={t('displacement.mapping.caption')}
          captionHidden
          columns={[t('displacement.mapping.column'), t('displacement.mapping.hxl'), t('displacement.mapping.samples'), t('displacement.mapping.readable'), t('displacement.mapping.field')]}
        >
          {sheet.headers.map((header, index) => {
            const field = draft[header] ?? null;
            const required = field !== null && REQUIRED_FIELDS.includes(field);
            const conflict = conflicts.has(header);
            const selectId = `${ids.title}-field-${index}`;
            const fromServer = sheet.mapping[header] ?? null;
            const samples = sheet.samples
              .slice(0, SAMPLES)
              .map((row) => row[index] ?? '')
              .filter((value) => value !== '');
            return (
              <tr key={`${index}-${header}`} data-header={header} className={[required ? 'required' : null, conflict ? 'conflict' : null].filter(Boolean).join(' ') || undefined}>
                <th scope="row">
                  <label htmlFor={selectId}>{header || t('displacement.mapping.noHeader', { index: index + 1 })}</label>
                </th>
                <td className="code">{sheet.hxl?.[index] || t('common.none')}</td>
                <td className="samples">{samples.length > 0 ? samples.join(' · ') : <span className="muted">{t('displacement.mapping.noSamples')}</span>}</td>
                <td className="readable" data-testid="dtm-mapping-readable">
                  {(() => {
                    const column = sheet.columns[index];
                    const read = unreadable(column, field);
                    const names = field !== null && /Name$/.test(field) && column ? column.names.filter((entry) => entry.pcode !== null) : [];
                    return (
                      <>
                        {read === null ? null : read.unread > 0 ? (
                          <span className={read.most ? 'field-error' : 'muted'} data-testid={read.most ? 'dtm-mapping-unreadable' : undefined}>
                            {t('displacement.mapping.unreadable', { unread: read.unread, filled: read.filled })}
                          </span>
                        ) : (
                          <span className="muted">{t('displacement.mapping.allRead', { count: read.filled })}</span>
                        )}
                        {names.length > 0 ? (
                          <span className="hint">
                            {' '}
                            {t('displacement.mapping.names', {
                              names: names
                                .slice(0, 5)
                                .map((entry) => `${entry.value} → ${entry.name ?? ''} (${format.number(Math.round(entry.confidence * 100))} %)`)
                                .join(', '),
                            })}
                          </span>
                        ) : null}
                      </>
                    );
                  })()}
                </td>
                <td>
                  <select
                    id={selectId}
                    data-testid="dtm-mapping-select"
                    value={field ?? ''}
                    aria-invalid={conflict || undefined}
                    aria-describedby={conflict ? ids.problems : undefined}
                    disabled={busy}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      setDraft((previous) => ({ ...previous, [header]: value === '' ? null : (value as RoundField) }));
                    }}
                  >
                    <option value="">{t('displacement.mapping.ignore')}</option>
                    {fields.map((candidate) => (
                      <option key={candidate} value={candidate}>
                        {fieldText(candidate)}
                        {REQUIRED_FIELDS.includes(candidate) ? ` (${t('displacement.mapping.required')})` : ''}
                      </option>
                    ))}
                  </select>
                  {field !== null && field === fromServer ? (
                    <span className={sheet.mappingConfirmed ? 'mapping-mark confirmed' : 'mapping-mark suggested'}>
                      {sheet.mappingConfirmed ? t('displacement.mapping.markConfirmed') : t('displacement.mapping.markSuggested')}
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      </div>
      <div id={ids.problems} aria-live="polite">
        {doubtful.map((entry) => (
          <p key={entry.header} className="field-error" data-testid="dtm-mapping-doubtful">
            {t('displacement.mapping.unreadableWarning', { column: entry.header, field: fieldText(entry.field) })}
          </p>
        ))}
        {problems.missing.length > 0 && tried ? (
          <p className="field-error" data-testid="dtm-mapping-missing">
            {t('displacement.mapping.missing', { fields: problems.missing.map(fieldText).join(', ') })}
          </p>
        ) : null}
        {problems.duplicated.map((entry) => (
          <p key={entry.field} className="field-error">
            {t('displacement.mapping.duplicated', { field: fieldText(entry.field), columns: entry.headers.join(', ') })}
          </p>
        ))}
      </div>
      <p className="hint">{t('displacement.mapping.ignored', { count: ignoredCount(draft) })}</p>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy || (tried && !complete)} data-testid="dtm-mapping-confirm">
          {t('displacement.mapping.confirm')}
        </button>
      </div>
    </form>
  );
}
