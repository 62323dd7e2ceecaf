import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, asApiError, sendJson } from '../api.js';
import { ErrorNotice } from '../components/Status.js';
import { bandOf, fieldLabelKey } from './mapping.js';
import { FIXABLE_FIELDS, type FixableField } from '../../../src/shared/displacement.js';
import { allowedDecisions, fixFieldFor, parseCount } from './review.js';
import { roundUrl, type Decision, type Issue } from './types.js';

/**
 * Deciding the findings ticked in the table: exclude errors (the row stays out of the round),
 * accept warnings (the value stands) or fix one (a corrected count), always with an optional
 * comment that stays with the decision.
 */
export function ReviewPanel({
  roundId,
  ageRanges,
  selected,
  onDecided,
}: {
  roundId: number;
  ageRanges: readonly string[];
  selected: readonly Issue[];
  onDecided: (count: number) => void;
}) {
  const { t } = useTranslation();
  const ids = { title: useId(), comment: useId(), field: useId(), value: useId(), valueHelp: useId() };
  const choice = allowedDecisions(selected);
  const [chosen, setChosen] = useState<Decision | null>(null);
  const [comment, setComment] = useState('');
  const [field, setField] = useState<FixableField | null>(null);
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const decision = chosen !== null && choice.decisions.includes(chosen) ? chosen : (choice.decisions[0] ?? null);
  const only = selected.length === 1 ? selected[0] : undefined;
  const fixField = field ?? (only ? fixFieldFor(only.rule, only.column) : null) ?? 'individuals';
  const fields = FIXABLE_FIELDS.filter((candidate) => {
    const band = bandOf(candidate);
    return band === null || band.index < ageRanges.length;
  });
  const fieldText = (candidate: string) => {
    const label = fieldLabelKey(candidate, ageRanges);
    return t(label.key, label.options ?? {});
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy || decision === null) return;
    let values: Record<string, number> | undefined;
    if (decision === 'fixed') {
      const parsed = parseCount(value);
      if (parsed === null) {
        setInvalid(true);
        return;
      }
      values = { [fixField]: parsed };
    }
    setBusy(true);
    setError(null);
    sendJson<{ decided: number }>('POST', roundUrl(roundId, '/decisions'), {
      ids: selected.map((issue) => issue.id),
      decision,
      comment: comment.trim() || null,
      ...(values ? { values } : {}),
    }).then(
      (answer) => {
        setBusy(false);
        setComment('');
        setValue('');
        setChosen(null);
        setField(null);
        onDecided(answer.decided);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(asApiError(failure));
      },
    );
  }

  return (
    <section className="review-panel" aria-labelledby={ids.title} data-testid="dtm-review">
      <h3 id={ids.title}>{t('displacement.review.title')}</h3>
      <p aria-live="polite" data-testid="dtm-review-selection">
        {selected.length === 0 ? t('displacement.review.selectHint') : t('displacement.review.selected', { count: selected.length })}
        {choice.reason === 'mixed' ? ` ${t('displacement.review.mixed')}` : null}
        {choice.reason === 'decided' ? ` ${t('displacement.review.decidedAlready')}` : null}
      </p>
      {choice.decisions.length > 0 && decision !== null ? (
        <form className="review-form" onSubmit={onSubmit} noValidate>
          <fieldset className="decision-choices">
            <legend>{t('displacement.review.decision')}</legend>
            {choice.decisions.map((candidate) => (
              <label key={candidate} className="checkbox">
                <input
                  type="radio"
                  name={`decision-${roundId}`}
                  value={candidate}
                  data-testid={`dtm-decision-${candidate}`}
                  checked={decision === candidate}
                  onChange={() => setChosen(candidate)}
                />{' '}
                {t(`displacement.review.decisions.${candidate}`)}
                <span className="help block">{t(`displacement.review.decisionHelp.${candidate}`)}</span>
              </label>
            ))}
          </fieldset>
          {decision === 'fixed' && only ? (
            <div className="form-row">
              <div className="field">
                <label htmlFor={ids.field}>{t('displacement.review.fixField')}</label>
                <select id={ids.field} data-testid="dtm-fix-field" value={fixField} onChange={(event) => setField(event.currentTarget.value as FixableField)}>
                  {fields.map((candidate) => (
                    <option key={candidate} value={candidate}>
                      {fieldText(candidate)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={ids.value}>{t('displacement.review.fixValue')}</label>
                <input
                  id={ids.value}
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  data-testid="dtm-fix-value"
                  value={value}
                  aria-invalid={invalid || undefined}
                  aria-describedby={ids.valueHelp}
                  onChange={(event) => {
                    setValue(event.currentTarget.value);
                    setInvalid(false);
                  }}
                />
                <span className="help" id={ids.valueHelp}>
                  {invalid ? <span className="field-error">{t('displacement.review.fixInvalid')} </span> : null}
                  {t('displacement.review.fileValue', { column: only.column ?? '—', value: only.value ?? '—' })}
                </span>
              </div>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={ids.comment}>{t('displacement.review.comment')}</label>
            <textarea id={ids.comment} data-testid="dtm-review-comment" rows={2} maxLength={1000} value={comment} onChange={(event) => setComment(event.currentTarget.value)} />
          </div>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy} data-testid="dtm-review-submit">
              {t(`displacement.review.submit.${decision}`, { count: selected.length })}
            </button>
          </div>
        </form>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
