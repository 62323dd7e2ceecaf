import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, buildUrl, getJson, type ApiError } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import type { SheetView } from './types.js';

/**
 * The row the sheet's headers are read from. Liptako finds it below title rows on its own; when it
 * guesses wrong (a title that looks like headers, two header rows), the officer names the row and
 * the sheet is read again from there, mapping suggestions included, before anything is imported.
 */
export function HeaderRowField({
  uploadId,
  operation,
  sheet,
  disabled,
  onRead,
}: {
  uploadId: number;
  operation: string;
  sheet: SheetView;
  disabled: boolean;
  onRead: (sheet: SheetView) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [typed, setTyped] = useState(String(sheet.headerRow));
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const row = /^\d{1,7}$/.test(typed.trim()) ? Number(typed.trim()) : null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (row === null || row < 1 || reading || disabled) return;
    setReading(true);
    setError(null);
    getJson<{ sheet: SheetView }>(buildUrl(`/api/dtm/uploads/${uploadId}/sheet`, { sheet: sheet.name === 'CSV' ? undefined : sheet.name, headerRow: String(row), operation })).then(
      (answer) => {
        setReading(false);
        onRead(answer.sheet);
      },
      (failure: unknown) => {
        setReading(false);
        setError(asApiError(failure));
      },
    );
  }

  return (
    <form className="field header-row-field" onSubmit={onSubmit} noValidate data-testid="dtm-header-row">
      <label htmlFor={id}>{t('displacement.mapping.headerRow')}</label>
      <span className="inline-controls">
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={1}
          value={typed}
          disabled={disabled || reading}
          aria-invalid={row === null || row < 1}
          onChange={(event) => setTyped(event.currentTarget.value)}
        />
        <button type="submit" className="button secondary" disabled={disabled || reading || row === null || row < 1 || row === sheet.headerRow}>
          {t('displacement.mapping.headerRowApply')}
        </button>
      </span>
      {error ? <ErrorNotice error={error} /> : null}
    </form>
  );
}
