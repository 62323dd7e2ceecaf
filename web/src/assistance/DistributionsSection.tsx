import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, sendJson, type ApiError } from '../api.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import type { OrganisationView } from '../response/types.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';

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
  const [error, setError] = useState<ApiError | null>(null);
  const record = async (householdId: number) => {
    setError(null);
    try {
      await sendJson('POST', `/api/assistance/distributions/${distribution.id}/receipts`, { householdId, receivedBy: t('assistance.distributions.headOfHousehold'), receivedAt: new Date().toISOString() });
      setVersion((value) => value + 1);
      onChanged();
    } catch (caught) {
      // The refusal of a second receipt says who and when: shown as the server wrote it.
      setError(asApiError(caught));
    }
  };
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

function Trace({ version }: { version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const trace = useApi<{ byActivityArea: TraceLine[]; byContribution: TraceLine[] }>('/api/assistance/trace/IOM-CSAHEL-2021', { version });
  const table = (title: string, lines: TraceLine[]) => (
    <table className="data-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{t('assistance.distributions.line')}</th>
          <th scope="col" className="number">{t('assistance.distributions.households')}</th>
          <th scope="col" className="number">{t('assistance.distributions.people')}</th>
          <th scope="col" className="number">{t('assistance.distributions.value')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.id}>
            <td>{line.name}</td>
            <td className="number">{format.number(line.households)}</td>
            <td className="number">{format.number(line.people)}</td>
            <td className="number">{format.number(line.value)} {line.currency}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (trace.error) return null;
  return trace.data ? (
    <div data-testid="distribution-trace">
      {table(t('assistance.distributions.byArea'), trace.data.byActivityArea)}
      {table(t('assistance.distributions.byDonor'), trace.data.byContribution)}
    </div>
  ) : null;
}

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Planning a distribution: the server builds its list from the organisation's consenting households there. */
function PlanForm({ onPlanned }: { onPlanned: (id: number) => void }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const organisations = useApi<{ organisations: OrganisationView[] }>('/api/response/organisations');
  const types = useApi<{ types: AssistanceType[] }>('/api/assistance/types');
  const own = session.user?.organisationId ?? null;
  const choices = (organisations.data?.organisations ?? []).filter((organisation) => own === null || organisation.id === own);
  const [draft, setDraft] = useState({ organisation: '', type: 'nfi-kit', quantity: '1', pcode: '', site: '', startsOn: day(0), endsOn: day(30), label: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [planned, setPlanned] = useState<{ id: number; listed: number } | null>(null);
  const id = useId();
  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setPlanned(null);
    try {
      const result = await sendJson<{ distribution: { id: number; listed: number } }>('POST', '/api/assistance/distributions', {
        organisationId: Number(draft.organisation || choices[0]?.id),
        type: draft.type,
        // A slip such as "1,5" reaches the server as NaN and gets its catalogued message.
        quantity: Number(draft.quantity.replace(',', '.')),
        location: { pcode: draft.pcode.trim(), site: draft.site.trim() === '' ? null : draft.site.trim() },
        startsOn: draft.startsOn,
        endsOn: draft.endsOn,
        label: draft.label,
      });
      setPlanned({ id: result.distribution.id, listed: result.distribution.listed });
      setDraft({ ...draft, label: '' });
      onPlanned(result.distribution.id);
    } catch (caught) {
      setError(asApiError(caught));
    }
  }

  return (
    <form className="panel assistance-form" onSubmit={(event) => void submit(event)} data-testid="distribution-plan">
      <h3>{t('assistance.distributions.plan.title')}</h3>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-org`}>{t('assistance.columns.organisation')}</label>
          <select id={`${id}-org`} value={draft.organisation} onChange={set('organisation')}>
            {choices.map((organisation) => (
              <option key={organisation.id} value={organisation.id}>
                {organisation.acronym} — {organisation.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('assistance.distributions.plan.type')}</label>
          <select id={`${id}-type`} value={draft.type} onChange={set('type')}>
            {(types.data?.types ?? []).map((type) => (
              <option key={type.code} value={type.code}>
                {i18n.language.startsWith('fr') ? type.name.fr : type.name.en}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-quantity`}>{t('assistance.distributions.plan.quantity')}</label>
          <input id={`${id}-quantity`} inputMode="decimal" value={draft.quantity} onChange={set('quantity')} required maxLength={6} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-pcode`}>{t('assistance.form.pcode')}</label>
          <input id={`${id}-pcode`} value={draft.pcode} onChange={set('pcode')} required maxLength={20} placeholder="ML0703" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-site`}>{t('assistance.columns.site')}</label>
          <input id={`${id}-site`} value={draft.site} onChange={set('site')} maxLength={60} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('assistance.distributions.plan.startsOn')}</label>
          <input id={`${id}-from`} type="date" value={draft.startsOn} onChange={set('startsOn')} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('assistance.distributions.plan.endsOn')}</label>
          <input id={`${id}-to`} type="date" value={draft.endsOn} onChange={set('endsOn')} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>{t('assistance.distributions.plan.label')}</label>
          <input id={`${id}-label`} value={draft.label} onChange={set('label')} required maxLength={200} />
        </div>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
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
