import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, asApiError, sendJson } from '../api.js';
import { PageGate } from '../components/Access.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../../../src/shared/format.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { assignmentsChanged, assignmentsFromDrafts, checkUserDraft, draftFromUser, newUserDraft, userFieldOfError, type UserDraft, type UserDraftErrors, type UserField } from './userDraft.js';
import { assignmentLabel, organisationLabel } from './labels.js';
import { MIN_PASSWORD_LENGTH, type OrganisationRow, type OrganisationsResponse, type RoleView, type RolesResponse, type UserResponse, type UsersResponse, type UserView } from './types.js';
import { AssignmentsEditor } from './AssignmentsEditor.js';
import { OrganisationForm } from './OrganisationForm.js';
import { PageHeader } from '../components/PageHeader.js';

interface FormProps {
  /** The user to change; null: create one. */
  user: UserView | null;
  roles: readonly RoleView[];
  organisations: readonly OrganisationRow[];
  onSaved: (user: UserView, mode: 'created' | 'updated') => void;
  onCancel: () => void;
}

function UserForm({ user, roles, organisations, onSaved, onCancel }: FormProps) {
  const { t } = useTranslation();
  const session = useSession();
  const base = useId();
  const id = (field: string) => `${base}-${field}`;
  const [draft, setDraft] = useState<UserDraft>(() => (user ? draftFromUser(user) : newUserDraft()));
  const [errors, setErrors] = useState<UserDraftErrors>({});
  const [problem, setProblem] = useState<{ error: ApiError; field: UserField | null } | null>(null);
  const [unchanged, setUnchanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);
  const assignmentsBox = useRef<HTMLDivElement>(null);
  const self = user !== null && user.id === session.user?.id;

  useEffect(() => {
    title.current?.focus();
  }, []);

  function update(changes: Partial<UserDraft>) {
    setDraft((previous) => ({ ...previous, ...changes }));
    setUnchanged(false);
    setErrors((previous) => {
      const next = { ...previous };
      for (const key of Object.keys(changes)) delete next[key as UserField];
      return next;
    });
  }

  function focus(field: UserField) {
    const target = field === 'assignments' ? assignmentsBox.current?.querySelector<HTMLElement>('select, button') : document.getElementById(id(field));
    target?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const check = checkUserDraft(draft, user === null);
    if (Object.keys(check).length > 0) {
      setErrors(check);
      setProblem(null);
      const first = (['email', 'name', 'password', 'assignments'] as const).find((field) => check[field]);
      if (first) focus(first);
      return;
    }
    setErrors({});
    setProblem(null);
    const assignments = assignmentsFromDrafts(draft.assignments);
    const organisationId = draft.organisationId === '' ? null : Number(draft.organisationId);
    let request: Promise<UserResponse>;
    if (user === null) {
      request = sendJson<UserResponse>('POST', '/api/users', {
        email: draft.email.trim(),
        name: draft.name.trim(),
        language: draft.language,
        organisationId,
        password: draft.password,
        assignments,
      });
    } else {
      const body: Record<string, unknown> = {};
      if (draft.name.trim() !== user.name) body.name = draft.name.trim();
      if (draft.language !== user.language) body.language = draft.language;
      if (organisationId !== user.organisationId) body.organisationId = organisationId;
      if (draft.disabled !== user.disabled) body.disabled = draft.disabled;
      if (draft.password !== '') body.password = draft.password;
      if (assignmentsChanged(user.assignments, assignments)) body.assignments = assignments;
      if (Object.keys(body).length === 0) {
        setUnchanged(true);
        return;
      }
      request = sendJson<UserResponse>('PATCH', `/api/users/${user.id}`, body);
    }
    setBusy(true);
    request.then(
      ({ user: saved }) => {
        setBusy(false);
        onSaved(saved, user === null ? 'created' : 'updated');
      },
      (reason: unknown) => {
        setBusy(false);
        const error = asApiError(reason);
        const field = userFieldOfError(error.code);
        setProblem({ error, field });
        if (field) focus(field);
      },
    );
  }

  const messageFor = (field: UserField): string | null => {
    const key = errors[field];
    if (key) return t(`admin.users.form.errors.${key}`, { min: MIN_PASSWORD_LENGTH });
    if (problem?.field === field) return problem.error.message;
    return null;
  };
  const errorText = (field: UserField) => {
    const message = messageFor(field);
    return message ? (
      <span className="field-error" id={id(`${field}-error`)} data-testid="user-form-field-error" data-field={field}>
        {message}
      </span>
    ) : null;
  };
  const a11y = (field: UserField, help?: string) => {
    const invalid = messageFor(field) !== null;
    const described = [help, invalid ? id(`${field}-error`) : undefined].filter(Boolean).join(' ');
    return { id: id(field), 'aria-invalid': invalid || undefined, 'aria-describedby': described || undefined };
  };

  return (
    <section className="panel user-form-panel" aria-labelledby={id('title')} data-testid="user-form" data-mode={user ? 'edit' : 'create'}>
      <h2 id={id('title')} ref={title} tabIndex={-1}>
        {user ? t('admin.users.form.editTitle', { name: user.name }) : t('admin.users.form.createTitle')}
      </h2>
      {problem && problem.field === null ? (
        <div data-testid="user-form-error" data-code={problem.error.code ?? undefined}>
          <ErrorNotice error={problem.error} />
        </div>
      ) : null}
      {unchanged ? (
        <div className="notice notice-info" role="status">
          <p>{t('admin.users.form.unchanged')}</p>
        </div>
      ) : null}
      <form className="user-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
        <div className="form-row">
          <div className="field grow">
            <label htmlFor={id('email')}>{t('admin.users.form.email')}</label>
            {user ? (
              <input type="email" id={id('email')} value={user.email} readOnly className="readonly" />
            ) : (
              <input
                type="email"
                name="email"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={draft.email}
                aria-required="true"
                data-testid="user-email"
                onChange={(event) => update({ email: event.currentTarget.value })}
                {...a11y('email')}
              />
            )}
            {errorText('email')}
          </div>
          <div className="field grow">
            <label htmlFor={id('name')}>{t('admin.users.form.name')}</label>
            <input
              type="text"
              name="name"
              autoComplete="off"
              maxLength={200}
              value={draft.name}
              aria-required="true"
              data-testid="user-name"
              onChange={(event) => update({ name: event.currentTarget.value })}
              {...a11y('name')}
            />
            {errorText('name')}
          </div>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor={id('language')}>{t('admin.users.form.language')}</label>
            <select id={id('language')} value={draft.language} data-testid="user-language" onChange={(event) => update({ language: event.currentTarget.value === 'en' ? 'en' : 'fr' })}>
              {LANGUAGES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {LANGUAGE_NAMES[code]}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor={id('organisationId')}>{t('admin.users.form.organisation')}</label>
            <select id={id('organisationId')} value={draft.organisationId} data-testid="user-organisation" onChange={(event) => update({ organisationId: event.currentTarget.value })}>
              <option value="">{t('admin.users.form.noOrganisation')}</option>
              {organisations.map((organisation) => (
                <option key={organisation.id} value={String(organisation.id)}>
                  {organisationLabel(organisation)}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor={id('password')}>{user ? t('admin.users.form.resetPassword') : t('admin.users.form.password')}</label>
            <input
              type="password"
              name="new-password"
              autoComplete="new-password"
              value={draft.password}
              aria-required={user === null}
              data-testid="user-password"
              onChange={(event) => update({ password: event.currentTarget.value })}
              {...a11y('password', id('password-help'))}
            />
            {errorText('password')}
            <span className="help" id={id('password-help')}>
              {user ? t('admin.users.form.resetPasswordHelp', { min: MIN_PASSWORD_LENGTH }) : t('admin.users.form.passwordHelp', { min: MIN_PASSWORD_LENGTH })}
            </span>
          </div>
        </div>
        <div ref={assignmentsBox}>
          <AssignmentsEditor
            drafts={draft.assignments}
            roles={roles}
            organisations={organisations}
            error={messageFor('assignments')}
            errorId={id('assignments-error')}
            onChange={(assignments) => update({ assignments })}
          />
        </div>
        {user ? (
          <div className="field">
            <label className="checkbox" htmlFor={id('disabled')}>
              <input
                id={id('disabled')}
                type="checkbox"
                checked={draft.disabled}
                disabled={self && !draft.disabled}
                data-testid="user-disabled"
                onChange={(event) => update({ disabled: event.currentTarget.checked })}
              />{' '}
              {t('admin.users.form.disabled')}
            </label>
            <span className="help">{self ? t('admin.users.form.disabledSelf') : t('admin.users.form.disabledHelp')}</span>
          </div>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="user-submit">
            {busy ? t('common.saving') : user ? t('admin.users.form.save') : t('admin.users.form.create')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function UserStatus({ user }: { user: UserView }) {
  const { t } = useTranslation();
  if (user.disabled) return <span className="state-badge state-revoked">{t('admin.users.states.disabled')}</span>;
  if (user.locked) return <span className="state-badge state-expired">{t('admin.users.states.locked')}</span>;
  return <span className="state-badge state-active">{t('admin.users.states.active')}</span>;
}

function Users() {
  const { t } = useTranslation();
  const format = useFormat();
  const [version, setVersion] = useState(0);
  const [organisationsVersion, setOrganisationsVersion] = useState(0);
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [saved, setSaved] = useState<{ user: UserView; mode: 'created' | 'updated' } | null>(null);
  const users = useApi<UsersResponse>('/api/users', { version });
  const roles = useApi<RolesResponse>('/api/roles');
  const organisations = useApi<OrganisationsResponse>('/api/organisations', { version: organisationsVersion });
  const roleList = roles.data?.roles ?? [];
  const organisationList = organisations.data?.organisations ?? [];
  const rows = users.data?.users ?? [];
  const organisationName = (id: number | null) => {
    if (id === null) return t('common.none');
    const organisation = organisationList.find((candidate) => candidate.id === id);
    return organisation ? organisationLabel(organisation) : `#${id}`;
  };
  const ready = roles.data !== undefined && organisations.data !== undefined;

  return (
    <section className="page users-page" aria-labelledby="users-title">
      <PageHeader id="users-title" title={t('admin.users.title')} intro={t('admin.users.intro')}>
        <button
          type="button"
          className="button primary"
          data-testid="user-create-open"
          disabled={!ready || editing === 'new'}
          onClick={() => {
            setSaved(null);
            setEditing('new');
          }}
        >
          {t('admin.users.add')}
        </button>
      </PageHeader>
      {users.error ? <ErrorNotice error={users.error} onRetry={users.retry} /> : null}
      {roles.error ? <ErrorNotice error={roles.error} onRetry={roles.retry} /> : null}
      {organisations.error ? <ErrorNotice error={organisations.error} onRetry={organisations.retry} /> : null}
      {saved ? (
        <div className="notice notice-success" role="status" data-testid="user-saved">
          <p>{t(saved.mode === 'created' ? 'admin.users.savedCreated' : 'admin.users.savedUpdated', { name: saved.user.name, email: saved.user.email })}</p>
        </div>
      ) : null}
      {editing !== null && ready ? (
        <UserForm
          key={editing === 'new' ? 'new' : `edit-${editing.id}`}
          user={editing === 'new' ? null : editing}
          roles={roleList}
          organisations={organisationList}
          onSaved={(user, mode) => {
            setSaved({ user, mode });
            setEditing(null);
            setVersion((n) => n + 1);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <LoadingStatus loading={users.loading} label={t('admin.users.loading')} />
      <div className={users.loading ? 'panel table-scroll is-loading' : 'panel table-scroll'}>
        <table className="data-table users-table" data-testid="users-table" aria-busy={users.loading}>
          <caption className="visually-hidden">{t('admin.users.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.users.name')}</th>
              <th scope="col">{t('admin.users.organisation')}</th>
              <th scope="col">{t('admin.users.roles')}</th>
              <th scope="col">{t('admin.users.language')}</th>
              <th scope="col">{t('admin.users.state')}</th>
              <th scope="col">{t('admin.users.created')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  {users.loading ? t('common.loading') : t('admin.users.empty')}
                </td>
              </tr>
            ) : (
              rows.map((user) => (
                <tr key={user.id} data-testid="user-row" data-email={user.email} className={editing !== 'new' && editing?.id === user.id ? 'selected' : undefined}>
                  <th scope="row">
                    {user.name}
                    <span className="sub muted">{user.email}</span>
                  </th>
                  <td>{organisationName(user.organisationId)}</td>
                  <td data-testid="user-roles">
                    {user.assignments.length === 0 ? (
                      t('common.none')
                    ) : (
                      <ul className="plain-list">
                        {user.assignments.map((assignment) => (
                          <li key={`${assignment.role}-${assignment.scope.kind}-${assignment.scope.value ?? ''}`}>
                            {assignmentLabel(t, format, assignment, roleList, organisationList)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{user.language.toUpperCase()}</td>
                  <td>
                    <UserStatus user={user} />
                    {user.locked ? (
                      <button
                        type="button"
                        className="button small"
                        data-testid="user-unlock"
                        aria-label={t('admin.users.unlockLabel', { name: user.name })}
                        onClick={() => {
                          sendJson<{ user: UserView }>('POST', `/api/users/${user.id}/unlock`, undefined).then(
                            () => setVersion((value) => value + 1),
                            () => setVersion((value) => value + 1),
                          );
                        }}
                      >
                        {t('admin.users.unlock')}
                      </button>
                    ) : null}
                  </td>
                  <td className="date">{format.dateTime(user.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="button small"
                      data-testid="user-edit"
                      disabled={!ready}
                      aria-label={t('admin.users.editLabel', { name: user.name })}
                      onClick={() => {
                        setSaved(null);
                        setEditing(user);
                      }}
                    >
                      {t('admin.users.edit')}
                    </button>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <OrganisationForm onCreated={() => setOrganisationsVersion((n) => n + 1)} />
    </section>
  );
}

/** Users, their roles and scopes (verb `user.manage`). */
export function UsersPage() {
  const { t } = useTranslation();
  return (
    <PageGate verb="user.manage" title={t('admin.users.title')}>
      <Users />
    </PageGate>
  );
}
