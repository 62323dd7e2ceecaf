import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api.js';
import { Field, InputField, OrganisationField } from '../components/FormFields.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useAction } from '../useAction.js';
import { useFormat } from '../useFormat.js';
import { useOrganisationChoices } from '../useOrganisationChoices.js';
import { DataTable } from '../components/DataTable.js';
import { earmarkLabel, localName } from '../plans/labels.js';
import type { ContributionsResponse, PlanView, PlansResponse } from '../plans/types.js';

interface Distribution {
  id: number;
  label: string;
  organisation: { acronym: string };
  type: { code: string; currency: string };
  valuePerHousehold: number;
  admin2: string;
  startsOn: string;
  endsOn: string;
  status: 'open' | 'closed';
  listed: number;
  received: number;
}
interface ListLine { householdId: number; members: number; consenting: boolean; receipt: { receivedAt: string; receivedBy: string } | null }
interface AssistanceType { code: string; name: { en: string; fr: string }; unit: string; unitValue: number; currency: string }
interface TraceLine { id: number; name: string; households: number; people: number; value: number; currency: string }

function DistributionList({ distribution, canRecord, onChanged }: { distribution: Distribution; canRecord: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [version, setVersion] = useState(0);
  const list = useApi<{ households: ListLine[] }>(`/api/assistance/distributions/${distribution.id}`, { version });
  // The refusal of a second receipt says who and when: shown as the server wrote it.
  const { error, run } = useAction();
  const record = (householdId: number) =>
    run(async () => {
      await sendJson('POST', `/api/assistance/distributions/${distribution.id}/receipts`, { householdId, receivedBy: t('assistance.distributions.headOfHousehold'), receivedAt: new Date().toISOString() });
      setVersion((value) => value + 1);
      onChanged();
    });
  return (
    <div data-testid="distribution-list">
      {error ? <ErrorNotice error={error} /> : null}
      <LoadingStatus loading={list.loading} label={t('assistance.distributions.loading')} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('assistance.columns.household')}</th>
            <th scope="col" className="number">{t('assistance.columns.members')}</th>
            <th scope="col">{t('assistance.distributions.receipt')}</th>
            {canRecord ? <th scope="col">{t('assistance.distributions.record')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {(list.data?.households ?? []).map((line) => (
            <tr key={line.householdId} data-testid={`distribution-line-${line.householdId}`}>
              <td className="code">{line.householdId}</td>
              <td className="number">{format.number(line.members)}</td>
              <td>{line.receipt ? t('assistance.distributions.received', { date: format.date(line.receipt.receivedAt.slice(0, 10)), by: line.receipt.receivedBy }) : t('assistance.distributions.notYet')}</td>
              {canRecord ? (
                <td>
                  <button type="button" className="button small" disabled={distribution.status === 'closed' || line.receipt !== null} onClick={() => void record(line.householdId)} data-testid="distribution-record">
                    {t('assistance.distributions.record')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A plan per option: its code and its name in the reader's language. */
function PlanOptions({ plans }: { plans: PlansResponse['plans'] }) {
  const format = useFormat();
  return (
    <>
      {plans.map((candidate) => (
        <option key={candidate.code} value={candidate.code}>
          {candidate.code} — {localName(candidate.name, format.language)}
        </option>
      ))}
    </>
  );
}

/** What the distributions delivered for one plan, by its activity areas and by donor contribution. */
function Trace({ version }: { version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const plans = useApi<PlansResponse>('/api/plans', { cache: true });
  const [chosen, setChosen] = useState<string | null>(null);
  const planCode = chosen ?? plans.data?.plans[0]?.code ?? null;
  const trace = useApi<{ byActivityArea: TraceLine[]; byContribution: TraceLine[] }>(planCode === null ? null : `/api/assistance/trace/${encodeURIComponent(planCode)}`, { version });
  const table = (title: string, lines: TraceLine[]) => (
    <DataTable columns={[t('assistance.distributions.line'), { label: t('assistance.distributions.households'), className: 'number' }, { label: t('assistance.distributions.people'), className: 'number' }, { label: t('assistance.distributions.value'), className: 'number' }]} caption={title}>
      {lines.map((line) => (
        <tr key={line.id}>
          <td>{line.name}</td>
          <td className="number">{format.number(line.households)}</td>
          <td className="number">{format.number(line.people)}</td>
          <td className="number">{format.number(line.value)} {line.currency}</td>
        </tr>
      ))}
    </DataTable>
  );
  if (trace.error || planCode === null) return null;
  return trace.data ? (
    <div data-testid="distribution-trace">
      {(plans.data?.plans.length ?? 0) > 1 ? (
        <Field id={`${id}-plan`} label={t('assistance.distributions.plan.plan')}>
          <select id={`${id}-plan`} value={planCode} onChange={(event) => setChosen(event.target.value)}>
            <PlanOptions plans={plans.data?.plans ?? []} />
          </select>
        </Field>
      ) : null}
      {table(t('assistance.distributions.byArea', { plan: planCode }), trace.data.byActivityArea)}
      {table(t('assistance.distributions.byDonor'), trace.data.byContribution)}
    </div>
  ) : null;
}

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Planning a distribution: the server builds its list from the organisation's consenting households there. */
function PlanForm({ onPlanned }: { onPlanned: (id: number) => void }) {
  const { t, i18n } = useTranslation();
  const types = useApi<{ types: AssistanceType[] }>('/api/assistance/types');
  const choices = useOrganisationChoices();
  const format = useFormat();
  const [draft, setDraft] = useState({ organisation: '', type: 'nfi-kit', quantity: '1', pcode: '', site: '', startsOn: day(0), endsOn: day(30), label: '', plan: '', area: '', contribution: '' });
  // The chain funding → activity → people: which plan area the distribution serves and which donor's money pays for it.
  const plans = useApi<PlansResponse>('/api/plans', { cache: true });
  const plan = useApi<PlanView>(draft.plan === '' ? null : `/api/plans/${encodeURIComponent(draft.plan)}`, { cache: true });
  const donors = useApi<ContributionsResponse>(draft.plan === '' ? null : `/api/plans/${encodeURIComponent(draft.plan)}/contributions`);
  const linkError = plans.error ?? plan.error ?? donors.error;
  const saving = useAction();
  const [planned, setPlanned] = useState<{ id: number; listed: number } | null>(null);
  const id = useId();
  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPlanned(null);
    await saving.run(async () => {
      const result = await sendJson<{ distribution: { id: number; listed: number } }>('POST', '/api/assistance/distributions', {
        organisationId: Number(draft.organisation || choices[0]?.id),
        type: draft.type,
        // A slip such as "1,5" reaches the server as NaN and gets its catalogued message.
        quantity: Number(draft.quantity.replace(',', '.')),
        location: { pcode: draft.pcode.trim(), site: draft.site.trim() === '' ? null : draft.site.trim() },
        startsOn: draft.startsOn,
        endsOn: draft.endsOn,
        label: draft.label,
        plan: draft.plan === '' ? null : { code: draft.plan, activityArea: draft.area, contributionId: draft.contribution === '' ? null : Number(draft.contribution) },
      });
      setPlanned({ id: result.distribution.id, listed: result.distribution.listed });
      setDraft({ ...draft, label: '' });
      onPlanned(result.distribution.id);
    });
  }

  return (
    <form className="panel assistance-form" onSubmit={(event) => void submit(event)} data-testid="distribution-plan">
      <h3>{t('assistance.distributions.plan.title')}</h3>
      <div className="form-grid">
        <OrganisationField id={`${id}-org`} label={t('assistance.columns.organisation')} value={draft.organisation} organisations={choices} onChange={set('organisation')} />
        <Field id={`${id}-type`} label={t('assistance.distributions.plan.type')}>
          <select id={`${id}-type`} value={draft.type} onChange={set('type')}>
            {(types.data?.types ?? []).map((type) => (
              <option key={type.code} value={type.code}>
                {i18n.language.startsWith('fr') ? type.name.fr : type.name.en}
              </option>
            ))}
          </select>
        </Field>
        <InputField id={`${id}-quantity`} label={t('assistance.distributions.plan.quantity')} inputMode="decimal" value={draft.quantity} onChange={set('quantity')} required maxLength={6} />
        <InputField id={`${id}-pcode`} label={t('assistance.form.pcode')} value={draft.pcode} onChange={set('pcode')} required maxLength={20} placeholder="ML0703" />
        <InputField id={`${id}-site`} label={t('assistance.columns.site')} value={draft.site} onChange={set('site')} maxLength={60} />
        <InputField id={`${id}-from`} label={t('assistance.distributions.plan.startsOn')} type="date" value={draft.startsOn} onChange={set('startsOn')} required />
        <InputField id={`${id}-to`} label={t('assistance.distributions.plan.endsOn')} type="date" value={draft.endsOn} onChange={set('endsOn')} required />
        <InputField id={`${id}-label`} label={t('assistance.distributions.plan.label')} value={draft.label} onChange={set('label')} required maxLength={200} />
        <Field id={`${id}-plan`} label={t('assistance.distributions.plan.plan')}>
          <select id={`${id}-plan`} value={draft.plan} onChange={(event) => setDraft({ ...draft, plan: event.target.value, area: '', contribution: '' })}>
            <option value="">{t('assistance.distributions.plan.noPlan')}</option>
            <PlanOptions plans={plans.data?.plans ?? []} />
          </select>
        </Field>
        {draft.plan !== '' ? (
          <>
            <Field id={`${id}-area`} label={t('assistance.distributions.plan.area')} wide>
              <select id={`${id}-area`} value={draft.area} onChange={set('area')} required>
                <option value="">{t('assistance.distributions.plan.chooseArea')}</option>
                {(plan.data?.objectives ?? []).map((objective) => (
                  <optgroup key={objective.id} label={`${objective.position}. ${localName(objective.name, format.language)}`}>
                    {objective.areas.map((area) => (
                      <option key={area.id} value={area.code}>
                        {localName(area.name, format.language)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </Field>
            <Field id={`${id}-contribution`} label={t('assistance.distributions.plan.contribution')} wide>
              <select id={`${id}-contribution`} value={draft.contribution} onChange={set('contribution')}>
                <option value="">{t('assistance.distributions.plan.noContribution')}</option>
                {(donors.data?.contributions ?? []).map((contribution) => (
                  <option key={contribution.id} value={String(contribution.id)}>
                    {t('assistance.distributions.plan.contributionLine', {
                      donor: contribution.donor,
                      amount: format.number(contribution.amountUsd),
                      earmark: earmarkLabel(t, format, plan.data, contribution.earmark),
                    })}
                  </option>
                ))}
              </select>
            </Field>
          </>
        ) : null}
      </div>
      {linkError ? <ErrorNotice error={linkError} /> : null}
      {saving.error ? <ErrorNotice error={saving.error} /> : null}
      {planned !== null ? (
        <p className="notice notice-success" role="status" data-testid="distribution-planned">
          {t('assistance.distributions.plan.saved', { id: planned.id, count: planned.listed })}
        </p>
      ) : null}
      <button type="submit" className="button primary">
        {t('assistance.distributions.plan.save')}
      </button>
    </form>
  );
}

/** Distributions of the registry: the list, one distribution's households with their receipt state, recording a receipt, the trace. */
export function DistributionsSection({ canRecord }: { canRecord: boolean }) {
  const { t } = useTranslation();
  const session = useSession();
  const format = useFormat();
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const list = useApi<{ distributions: Distribution[] }>('/api/assistance/distributions', { version });
  const onOpen = (event: FormEvent, id: number) => {
    event.preventDefault();
    setOpen(open === id ? null : id);
  };
  return (
    <section className="panel" aria-labelledby="assistance-distributions-title" data-testid="assistance-distributions">
      <h2 id="assistance-distributions-title">{t('assistance.distributions.title')}</h2>
      <p className="muted">{t('assistance.distributions.intro')}</p>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <LoadingStatus loading={list.loading} label={t('assistance.distributions.loading')} />
      {canRecord ? (
        <PlanForm
          onPlanned={(id) => {
            setOpen(id);
            setVersion((value) => value + 1);
          }}
        />
      ) : null}
      {list.data && list.data.distributions.length === 0 ? <p>{t('assistance.distributions.empty')}</p> : null}
      {(list.data?.distributions ?? []).map((distribution) => (
        <article key={distribution.id} className="panel" data-testid={`distribution-${distribution.id}`}>
          <h3>
            <a href={`#distribution-${distribution.id}`} onClick={(event) => onOpen(event, distribution.id)}>
              {distribution.label}
            </a>
          </h3>
          <p className="muted">
            {t('assistance.distributions.summary', {
              count: distribution.received,
              organisation: distribution.organisation.acronym,
              type: distribution.type.code,
              place: distribution.admin2,
              from: format.date(distribution.startsOn),
              to: format.date(distribution.endsOn),
              received: format.number(distribution.received),
              listed: format.number(distribution.listed),
              value: `${format.number(distribution.valuePerHousehold)} ${distribution.type.currency}`,
            })}{' '}
            {distribution.status === 'closed' ? t('assistance.distributions.closed') : null}
          </p>
          {canRecord ? (
            <p className="muted small" data-testid="distribution-sheets">
              {(['list', 'receipts'] as const).map((sheet) => (
                <a key={sheet} className="button small" href={`/api/assistance/distributions/${distribution.id}/${sheet}.xlsx${session.can('assistance.personal') ? '?fields=name&fields=phone' : ''}`} download>
                  {t(`assistance.distributions.sheets.${sheet}`)}
                </a>
              ))}{' '}
              {t(session.can('assistance.personal') ? 'assistance.distributions.sheets.personal' : 'assistance.distributions.sheets.noPersonal')}
            </p>
          ) : null}
          {open === distribution.id ? <DistributionList distribution={distribution} canRecord={canRecord} onChanged={() => setVersion((value) => value + 1)} /> : null}
        </article>
      ))}
      <Trace version={version} />
    </section>
  );
}
