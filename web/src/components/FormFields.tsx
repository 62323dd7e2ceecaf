import type { InputHTMLAttributes, ReactNode } from 'react';
import type { OrganisationView } from '../response/types.js';

/** A labelled form field: the label names the control whose id it is given. */
export function Field({ id, label, children }: { id: string; label: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/** A labelled text, number, date or month input; every other attribute goes to the input. */
export function InputField({ id, label, ...input }: { id: string; label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field id={id} label={label}>
      <input id={id} {...input} />
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
