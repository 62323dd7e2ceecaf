/** The roles of one user, each with its scope (response, country, organisation…), as the user form edits them. */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { EMPTY_ASSIGNMENT, type AssignmentDraft } from './userDraft.js';
import { organisationLabel, roleLabel } from './labels.js';
import { SCOPE_KINDS, type OrganisationRow, type RoleView, type ScopeKind } from './types.js';

export function AssignmentsEditor({
  drafts,
  roles,
  organisations,
  error,
  errorId,
  onChange,
}: {
  drafts: readonly AssignmentDraft[];
  roles: readonly RoleView[];
  organisations: readonly OrganisationRow[];
  error: string | null;
  errorId: string;
  onChange: (drafts: AssignmentDraft[]) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const base = useId();
  const assignable = roles.filter((role) => role.code !== 'public');
  const update = (index: number, changes: Partial<AssignmentDraft>) =>
    onChange(drafts.map((draft, position) => (position === index ? { ...draft, ...changes } : draft)));
  return (
    <fieldset className="assignments" aria-describedby={error ? errorId : undefined} data-testid="user-assignments">
      <legend>{t('admin.users.form.assignments')}</legend>
      <p className="help">{t('admin.users.form.assignmentsHelp')}</p>
      {drafts.length === 0 ? <p className="hint">{t('admin.users.form.noAssignment')}</p> : null}
      {drafts.map((draft, index) => {
        const id = (name: string) => `${base}-${name}-${index}`;
        return (
          <div className="assignment-row" key={index} data-testid="assignment-row">
            <div className="field">
              <label htmlFor={id('role')}>{t('admin.users.form.role')}</label>
              <select id={id('role')} value={draft.role} data-testid={`assignment-role-${index}`} onChange={(event) => update(index, { role: event.currentTarget.value })}>
                <option value="">{t('admin.users.form.choose')}</option>
                {assignable.map((role) => (
                  <option key={role.code} value={role.code}>
                    {roleLabel(t, role.code, format.language, roles)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={id('scope')}>{t('admin.users.form.scope')}</label>
              <select
                id={id('scope')}
                value={draft.kind}
                data-testid={`assignment-scope-${index}`}
                onChange={(event) => update(index, { kind: event.currentTarget.value as ScopeKind, value: '' })}
              >
                {SCOPE_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`access.scopes.${kind}`)}
                  </option>
                ))}
              </select>
            </div>
            {draft.kind === 'country' ? (
              <div className="field">
                <label htmlFor={id('value')}>{t('admin.users.form.country')}</label>
                <input
                  id={id('value')}
                  type="text"
                  className="country-code"
                  maxLength={2}
                  size={3}
                  autoCapitalize="characters"
                  spellCheck={false}
                  placeholder="ML"
                  value={draft.value}
                  data-testid={`assignment-value-${index}`}
                  onChange={(event) => update(index, { value: event.currentTarget.value.toUpperCase() })}
                />
                <span className="help">{/^[A-Z]{2}$/.test(draft.value) ? format.country(draft.value) : t('admin.users.form.countryHelp')}</span>
              </div>
            ) : null}
            {draft.kind === 'organisation' ? (
              <div className="field">
                <label htmlFor={id('value')}>{t('admin.users.form.organisation')}</label>
                <select id={id('value')} value={draft.value} data-testid={`assignment-value-${index}`} onChange={(event) => update(index, { value: event.currentTarget.value })}>
                  <option value="">{t('admin.users.form.choose')}</option>
                  {organisations.map((organisation) => (
                    <option key={organisation.id} value={String(organisation.id)}>
                      {organisationLabel(organisation)}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div className="field assignment-remove">
              <button
                type="button"
                className="button small"
                data-testid={`assignment-remove-${index}`}
                aria-label={t('admin.users.form.removeAssignment', { number: index + 1 })}
                onClick={() => onChange(drafts.filter((_draft, position) => position !== index))}
              >
                {t('admin.users.form.remove')}
              </button>
            </div>
          </div>
        );
      })}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="button small" data-testid="assignment-add" onClick={() => onChange([...drafts, { ...EMPTY_ASSIGNMENT }])}>
        {t('admin.users.form.addAssignment')}
      </button>
    </fieldset>
  );
}

/** Create a user, or change one: name, language, organisation, roles and scopes, disable, reset password. */
