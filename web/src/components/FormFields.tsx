import type { ComponentProps, ReactNode } from 'react';
import type { OrganisationView } from '../response/types.js';

/** A labelled form field: the label names the control whose id it is given; a wide one spans the form's row. */
export function Field({ id, label, wide, children }: { id: string; label: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? 'field wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/**
 * A labelled input (text, number, date, month, file); every other attribute goes to the input.
 * `help` is the line under it and `error` what is wrong with the value: it makes the input
 * invalid and stands before the help, or alone. Both are read out with the input
 * (aria-describedby), under the id `${id}-help`.
 */
export function InputField({
  id,
  label,
  help,
  error,
  wide,
  ...input
}: { id: string; label: ReactNode; help?: ReactNode; error?: ReactNode; wide?: boolean } & ComponentProps<'input'>) {
  const helpId = `${id}-help`;
  const hasHelp = help !== undefined && help !== null;
  const hasError = error !== undefined && error !== null && error !== false && error !== '';
  return (
    <Field id={id} label={label} wide={wide}>
      <input
        id={id}
        aria-describedby={hasHelp || hasError ? helpId : undefined}
        aria-invalid={hasError ? true : undefined}
        {...input}
      />
      {hasHelp ? (
        <span className="help" id={helpId}>
          {hasError ? <span className="field-error">{error} </span> : null}
          {help}
        </span>
      ) : hasError ? (
        <span className="help field-error" id={helpId}>
          {error}
        </span>
      ) : null}
    </Field>
  );
}

/** The organisation a report, household or distribution is for: acronym and name, as every form lists them. */
export function OrganisationField({
  id,
  label,
  value,
  organisations,
  onChange,
}: {
  id: string;
  label: ReactNode;
  value: string;
  organisations: readonly OrganisationView[];
  onChange: (event: { target: { value: string } }) => void;
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} onChange={onChange}>
        {organisations.map((organisation) => (
          <option key={organisation.id} value={organisation.id}>
            {organisation.acronym} — {organisation.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * The sheet of a workbook to import, when it has more than one (a notes or lists sheet beside the
 * data): each sheet by name, or as the page words it (with its row count, say).
 */
export function SheetField<Sheet extends { name: string }>({
  id,
  label,
  sheets,
  value,
  disabled,
  onChange,
  testId,
  optionLabel = (sheet) => sheet.name,
}: {
  id: string;
  label: ReactNode;
  sheets: readonly Sheet[];
  value: string;
  disabled: boolean;
  onChange: (name: string) => void;
  testId?: string;
  optionLabel?: (sheet: Sheet) => string;
}) {
  if (sheets.length < 2) return null;
  return (
    <Field id={id} label={label}>
      <select id={id} data-testid={testId} value={value} disabled={disabled} onChange={(event) => onChange(event.currentTarget.value)}>
        {sheets.map((sheet) => (
          <option key={sheet.name} value={sheet.name}>
            {optionLabel(sheet)}
          </option>
        ))}
      </select>
    </Field>
  );
}
