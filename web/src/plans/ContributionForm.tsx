import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, asApiError, sendJson } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { useFormat } from '../useFormat.js';
import {
  checkDraft,
  CURRENCIES,
  currencyOf,
  datesShown,
  draftFromContribution,
  EMPTY_DRAFT,
  FIELD_ORDER,
  fieldOfServerError,
  OTHER_CURRENCY,
  parseDecimal,
  previewUsd,
  rateKind,
  requiredDate,
  usdPerUnit,
  type Draft,
  type DraftErrors,
  type DraftField,
} from './contributionDraft.js';
import { XOF_PER_EUR } from '../../../src/shared/currency.js';
import { localName, statusLabel } from './labels.js';
import {
  CONTRIBUTION_STATUSES,
  EARMARK_LEVELS,
  planUrl,
  type ContributionResponse,
  type ContributionStatus,
  type ContributionView,
  type EarmarkLevel,
  type PlanView,
} from './types.js';

interface ServerProblem {
  error: ApiError;
  field: DraftField | null;
}

export interface ContributionFormProps {
  plan: PlanView;
  /** The contribution to change; null: record a new one. */
  editing: ContributionView | null;
  onSaved: (contribution: ContributionView, mode: 'created' | 'updated') => void;
  onCancelEdit: () => void;
  /** Someone changed the contribution meanwhile: reload it. */
  onStale: () => void;
}

/**
 * Record (or correct) a contribution: donor, amount in its currency with the rate that currency
 * needs, status and its dates, where the money goes. Obvious mistakes are caught here; the server
 * decides, and its message (in the user's language) is shown next to the field it is about.
 */
export function ContributionForm({ plan, editing, onSaved, onCancelEdit, onStale }: ContributionFormProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const base = useId();
  const id = (field: string) => `${base}-${field}`;
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftFromContribution(editing) : EMPTY_DRAFT));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [problem, setProblem] = useState<ServerProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const currency = currencyOf(draft);
  const kind = currency === '' ? 'none' : rateKind(currency);
  const shown = datesShown(draft.status);
  const needed = requiredDate(draft.status);
  const areas = plan.objectives.flatMap((objective) => objective.areas);

  function update(changes: Partial<Draft>) {
    setDraft((previous) => ({ ...previous, ...changes }));
    // An answer about what was there before no longer applies to the changed fields.
    setErrors((previous) => {
      const next = { ...previous };
      for (const key of Object.keys(changes)) for (const field of fieldsFor(key)) delete next[field];
      return next;
    });
    setProblem((previous) =>
      previous && previous.field !== null && Object.keys(changes).some((key) => fieldsFor(key).includes(previous.field as DraftField)) ? null : previous,
    );
  }

  function focusField(field: DraftField) {
    const target = document.getElementById(id(field === 'dates' ? needed : field === 'earmark' ? (draft.earmarkLevel === 'plan' ? 'earmarkLevel' : 'earmarkTarget') : field));
    target?.focus();
  }

  function errorText(field: DraftField): ReactNode {
    const key = errors[field];
    if (key) {
      return (
        <span className="field-error" id={id(`${field}-error`)}>
          {t(`plans.form.errors.${key}`)}
        </span>
      );
    }
    if (problem && problem.field === field) {
      return (
        <span className="field-error" id={id(`${field}-error`)} role="alert" data-testid="contribution-error" data-code={problem.error.code ?? undefined}>
          {problem.error.message}
        </span>
      );
    }
    return null;
  }

  function a11y(field: DraftField, help?: string) {
    const invalid = Boolean(errors[field]) || problem?.field === field;
    const described = [help, invalid ? id(`${field}-error`) : undefined].filter(Boolean).join(' ');
    return { id: id(field), 'aria-invalid': invalid || undefined, 'aria-describedby': described || undefined };
  }

  function submit() {
    if (busy) return;
    const check = checkDraft(draft, format.language);
    if (!check.ok) {
      setErrors(check.errors);
      setProblem(null);
      const first = FIELD_ORDER.find((field) => check.errors[field]);
      if (first) focusField(first);
      return;
    }
    setErrors({});
    setProblem(null);
    setBusy(true);
    const request = editing
      ? sendJson<ContributionResponse>('PATCH', planUrl(plan.code, `/contributions/${editing.id}`), { ...check.request, version: editing.version })
      : sendJson<ContributionResponse>('POST', planUrl(plan.code, '/contributions'), check.request);
    request.then(
      ({ contribution }) => {
        setBusy(false);
        if (!editing) setDraft({ ...EMPTY_DRAFT, currency: draft.currency, otherCurrency: draft.otherCurrency, rate: draft.rate });
        onSaved(contribution, editing ? 'updated' : 'created');
      },
      (error: unknown) => {
        setBusy(false);
        const apiError = asApiError(error);
        if (apiError.kind === 'aborted') return;
        const field = fieldOfServerError(apiError.code, draft.status);
        setProblem({ error: apiError, field });
        if (field) focusField(field);
      },
    );
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit();
  }

  // --- live conversion preview ---
  const amount = parseDecimal(draft.amount, format.language);
  const rate = kind === 'none' ? null : parseDecimal(draft.rate, format.language);
  const usd = previewUsd(draft, format.language);
  const preview: string[] = [];
  if (kind === 'cfa' && rate !== null && rate > 0) {
    preview.push(t('plans.form.perUnit', { currency, usd: format.decimal(usdPerUnit(currency, rate), 6) }));
  }
  if (usd !== null && amount !== null && kind !== 'none') {
    preview.push(t('plans.form.converted', { amount: format.money(amount, currency), usd: format.money(usd) }));
  }

  const title = editing ? t('plans.form.editTitle', { donor: editing.donor }) : t('plans.form.title');
  const topProblem = problem && problem.field === null ? problem : null;

  return (
    <section className="contribution-form-panel" aria-labelledby={id('title')}>
      <h3 id={id('title')}>{title}</h3>
      <p className="muted">{t('plans.form.intro')}</p>
      {topProblem ? (
        <div className="form-problem" data-testid="contribution-error" data-code={topProblem.error.code ?? undefined}>
          <ErrorNotice error={topProblem.error} onRetry={submit} />
          {topProblem.error.status === 409 ? (
            <button type="button" className="button" onClick={onStale}>
              {t('plans.form.reload')}
            </button>
          ) : null}
        </div>
      ) : null}
      <form className="contribution-form" data-testid="contribution-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
        <div className="field">
          <label htmlFor={id('donor')}>{t('plans.form.donor')}</label>
          <input
            type="text"
            name="donor"
            autoComplete="organization"
            value={draft.donor}
            aria-required="true"
            data-testid="contribution-donor"
            onChange={(event) => update({ donor: event.currentTarget.value })}
            {...a11y('donor')}
          />
          {errorText('donor')}
        </div>

        <div className="field">
          <label htmlFor={id('currency')}>{t('plans.form.currency')}</label>
          <div className="input-row">
            <select
              name="currency"
              value={draft.currency}
              data-testid="contribution-currency"
              onChange={(event) => update({ currency: event.currentTarget.value, rate: '' })}
              {...a11y('currency')}
            >
              {CURRENCIES.map((code) => (
                <option key={code} value={code}>
                  {code} — {t(`plans.currencies.${code}`, { defaultValue: code })}
                </option>
              ))}
              <option value={OTHER_CURRENCY}>{t('plans.form.otherCurrency')}</option>
            </select>
            {draft.currency === OTHER_CURRENCY ? (
              <input
                type="text"
                name="otherCurrency"
                className="currency-code"
                maxLength={3}
                size={4}
                autoCapitalize="characters"
                spellCheck={false}
                aria-label={t('plans.form.otherCurrencyCode')}
                placeholder="CHF"
                value={draft.otherCurrency}
                data-testid="contribution-other-currency"
                onChange={(event) => update({ otherCurrency: event.currentTarget.value.toUpperCase() })}
              />
            ) : null}
          </div>
          {errorText('currency')}
        </div>

        <div className="field">
          <label htmlFor={id('amount')}>{t('plans.form.amount', { currency: currency || '…' })}</label>
          <input
            type="text"
            inputMode="decimal"
            name="amount"
            autoComplete="off"
            value={draft.amount}
            aria-required="true"
            data-testid="contribution-amount-input"
            onChange={(event) => update({ amount: event.currentTarget.value })}
            {...a11y('amount')}
          />
          {errorText('amount')}
        </div>

        {kind !== 'none' ? (
          <div className="field">
            <label htmlFor={id('rate')}>
              {kind === 'usd-per-unit' ? t('plans.form.rateUnit', { currency }) : t('plans.form.rateEur')}
            </label>
            <input
              type="text"
              inputMode="decimal"
              name="rate"
              autoComplete="off"
              value={draft.rate}
              aria-required="true"
              data-testid="contribution-rate"
              onChange={(event) => update({ rate: event.currentTarget.value })}
              {...a11y('rate', id('rate-help'))}
            />
            {errorText('rate')}
            <span className="help" id={id('rate-help')}>
              {kind === 'cfa' ? t('plans.form.pegHelp', { currency, peg: format.decimal(XOF_PER_EUR, 3) }) : t('plans.form.rateHelp')}
            </span>
          </div>
        ) : null}
        {preview.length > 0 ? (
          <p className="usd-preview" data-testid="contribution-usd-preview" data-usd={usd ?? ''}>
            {preview.join(' · ')}
          </p>
        ) : null}

        <div className="field">
          <label htmlFor={id('status')}>{t('plans.form.status')}</label>
          <select
            name="status"
            value={draft.status}
            data-testid="contribution-status"
            onChange={(event) => update({ status: event.currentTarget.value as ContributionStatus })}
            {...a11y('status', id('status-help'))}
          >
            {CONTRIBUTION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {statusLabel(t, status)}
              </option>
            ))}
          </select>
          <span className="help" id={id('status-help')}>
            {t(`plans.form.statusHelp.${draft.status}`)}
          </span>
        </div>

        <fieldset className="dates" aria-describedby={errors.dates || problem?.field === 'dates' ? id('dates-error') : undefined}>
          <legend>{t('plans.form.dates')}</legend>
          <div className="field">
            <label htmlFor={id('pledgedOn')}>
              {t('plans.form.pledgedOn')}
              {needed === 'pledgedOn' ? <span className="required-mark"> {t('plans.form.requiredMark')}</span> : null}
            </label>
            <input
              type="date"
              name="pledgedOn"
              value={draft.pledgedOn}
              aria-required={needed === 'pledgedOn'}
              data-testid="contribution-pledged-on"
              onChange={(event) => update({ pledgedOn: event.currentTarget.value })}
              {...a11y('pledgedOn')}
            />
            {errorText('pledgedOn')}
          </div>
          {shown.committedOn ? (
            <div className="field">
              <label htmlFor={id('committedOn')}>
                {t('plans.form.committedOn')}
                {needed === 'committedOn' ? <span className="required-mark"> {t('plans.form.requiredMark')}</span> : null}
              </label>
              <input
                type="date"
                name="committedOn"
                value={draft.committedOn}
                aria-required={needed === 'committedOn'}
                data-testid="contribution-committed-on"
                onChange={(event) => update({ committedOn: event.currentTarget.value })}
                {...a11y('committedOn')}
              />
              {errorText('committedOn')}
            </div>
          ) : null}
          {shown.paidOn ? (
            <div className="field">
              <label htmlFor={id('paidOn')}>
                {t('plans.form.paidOn')}
                {needed === 'paidOn' ? <span className="required-mark"> {t('plans.form.requiredMark')}</span> : null}
              </label>
              <input
                type="date"
                name="paidOn"
                value={draft.paidOn}
                aria-required={needed === 'paidOn'}
                data-testid="contribution-paid-on"
                onChange={(event) => update({ paidOn: event.currentTarget.value })}
                {...a11y('paidOn')}
              />
              {errorText('paidOn')}
            </div>
          ) : null}
          <div className="dates-error">{errorText('dates')}</div>
        </fieldset>

        <fieldset className="earmark">
          <legend>{t('plans.form.earmark')}</legend>
          <div className="field">
            <label htmlFor={id('earmarkLevel')}>{t('plans.form.earmarkLevel')}</label>
            <select
              id={id('earmarkLevel')}
              name="earmarkLevel"
              value={draft.earmarkLevel}
              data-testid="contribution-earmark-level"
              aria-invalid={(problem?.field === 'earmark' && draft.earmarkLevel === 'plan') || undefined}
              onChange={(event) => update({ earmarkLevel: event.currentTarget.value as EarmarkLevel, objectiveId: '', activityAreaId: '', country: '' })}
            >
              {EARMARK_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {t(`plans.form.levels.${level}`)}
                </option>
              ))}
            </select>
          </div>
          {draft.earmarkLevel !== 'plan' ? (
            <div className="field grow">
              <label htmlFor={id('earmarkTarget')}>{t(`plans.form.targets.${draft.earmarkLevel}`)}</label>
              <select
                id={id('earmarkTarget')}
                name="earmarkTarget"
                data-testid="contribution-earmark-target"
                aria-required="true"
                aria-invalid={Boolean(errors.earmark) || problem?.field === 'earmark' || undefined}
                aria-describedby={errors.earmark || problem?.field === 'earmark' ? id('earmark-error') : undefined}
                value={draft.earmarkLevel === 'objective' ? draft.objectiveId : draft.earmarkLevel === 'activity-area' ? draft.activityAreaId : draft.country}
                onChange={(event) => {
                  const value = event.currentTarget.value;
                  if (draft.earmarkLevel === 'objective') update({ objectiveId: value });
                  else if (draft.earmarkLevel === 'activity-area') update({ activityAreaId: value });
                  else update({ country: value });
                }}
              >
                <option value="">{t('plans.form.choose')}</option>
                {draft.earmarkLevel === 'objective'
                  ? plan.objectives.map((objective) => (
                      <option key={objective.id} value={String(objective.id)}>
                        {objective.position}. {localName(objective.name, format.language)}
                      </option>
                    ))
                  : null}
                {draft.earmarkLevel === 'activity-area'
                  ? plan.objectives.map((objective) => (
                      <optgroup key={objective.id} label={`${objective.position}. ${localName(objective.name, format.language)}`}>
                        {objective.areas.map((area) => (
                          <option key={area.id} value={String(area.id)} data-code={area.code}>
                            {localName(area.name, format.language)}
                          </option>
                        ))}
                      </optgroup>
                    ))
                  : null}
                {draft.earmarkLevel === 'country'
                  ? plan.countries.map((country) => (
                      <option key={country} value={country}>
                        {format.country(country)}
                      </option>
                    ))
                  : null}
              </select>
              {areas.length === 0 && draft.earmarkLevel === 'activity-area' ? <span className="help">{t('plans.form.noAreas')}</span> : null}
            </div>
          ) : (
            <p className="help earmark-help">{t('plans.form.planHelp')}</p>
          )}
          <div className="earmark-error">{errorText('earmark')}</div>
        </fieldset>

        <div className="field">
          <label htmlFor={id('ftsFlowId')}>{t('plans.form.ftsFlowId')}</label>
          <input
            type="text"
            name="ftsFlowId"
            autoComplete="off"
            spellCheck={false}
            value={draft.ftsFlowId}
            onChange={(event) => update({ ftsFlowId: event.currentTarget.value })}
            {...a11y('ftsFlowId', id('fts-help'))}
          />
          {errorText('ftsFlowId')}
          <span className="help" id={id('fts-help')}>
            {t('plans.form.ftsHelp')}
          </span>
        </div>

        <div className="field wide">
          <label htmlFor={id('description')}>{t('plans.form.description')}</label>
          <textarea
            name="description"
            rows={2}
            value={draft.description}
            data-testid="contribution-description"
            onChange={(event) => update({ description: event.currentTarget.value })}
            {...a11y('description')}
          />
          {errorText('description')}
        </div>

        {editing ? (
          <div className="field wide">
            <label htmlFor={id('reason')}>{t('plans.form.reason')}</label>
            <input type="text" id={id('reason')} name="reason" value={draft.reason} onChange={(event) => update({ reason: event.currentTarget.value })} />
          </div>
        ) : null}

        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} data-testid="contribution-submit">
            {busy ? t('plans.form.saving') : editing ? t('plans.form.saveChanges') : t('plans.form.submit')}
          </button>
          {editing ? (
            <button type="button" className="button" onClick={onCancelEdit} disabled={busy}>
              {t('common.cancel')}
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

/** The form fields whose messages a change of this draft key makes obsolete. */
function fieldsFor(key: string): DraftField[] {
  if (key === 'otherCurrency') return ['currency'];
  if (key === 'currency') return ['currency', 'rate'];
  if (key === 'objectiveId' || key === 'activityAreaId' || key === 'country' || key === 'earmarkLevel') return ['earmark'];
  if (key === 'pledgedOn' || key === 'committedOn' || key === 'paidOn') return [key, 'dates'];
  if (key === 'status') return ['status', 'pledgedOn', 'committedOn', 'paidOn', 'dates'];
  if (key === 'reason') return [];
  return [key as DraftField];
}
