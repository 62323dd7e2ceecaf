import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, sendJson, type ApiError } from '../api.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
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
            <tr key={line.householdId}>
              <td className="code">{line.householdId}</td>
              <td className="number">{format.number(line.members)}</td>
              <td>{line.receipt ? t('assistance.distributions.received', { date: format.date(line.receipt.receivedAt.slice(0, 10)), by: line.receipt.receivedBy }) : t('assistance.distributions.notYet')}</td>
              {canRecord ? (
                <td>
                  <button type="button" disabled={distribution.status === 'closed'} onClick={() => void record(line.householdId)}>
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

/** Distributions of the registry: the list, one distribution's households with their receipt state, recording a receipt, the trace. */
export function DistributionsSection({ canRecord }: { canRecord: boolean }) {
  const { t } = useTranslation();
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
      {list.data && list.data.distributions.length === 0 ? <p>{t('assistance.distributions.empty')}</p> : null}
      {(list.data?.distributions ?? []).map((distribution) => (
        <article key={distribution.id} className="panel">
          <h3>
            <a href={`#distribution-${distribution.id}`} onClick={(event) => onOpen(event, distribution.id)}>
              {distribution.label}
            </a>
          </h3>
          <p className="muted">
            {t('assistance.distributions.summary', {
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
          {open === distribution.id ? <DistributionList distribution={distribution} canRecord={canRecord} onChanged={() => setVersion((value) => value + 1)} /> : null}
        </article>
      ))}
      <Trace version={version} />
    </section>
  );
}
