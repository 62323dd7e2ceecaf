/**
 * The signed-in user's drafts and outbox in this browser: each submission with its state (draft,
 * waiting, sending, sent, refused with the server's message) and what can be done with it.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../useFormat.js';
import { COLLECTION_PATH } from '../types.js';
import { deleteSubmission, onChange, submissionsOf, updateSubmission, type StoredSubmission } from './store.js';
import { DataTable } from '../../components/DataTable.js';

/** The user's records, read again whenever any tab changes them. */
export function useOutbox(userId: number | null): StoredSubmission[] | null {
  const [rows, setRows] = useState<StoredSubmission[] | null>(null);
  useEffect(() => {
    if (userId === null) return;
    let cancelled = false;
    const load = () =>
      void submissionsOf(userId).then(
        (found) => {
          if (!cancelled) setRows(found);
        },
        () => {
          if (!cancelled) setRows([]);
        },
      );
    load();
    const stop = onChange(load);
    return () => {
      cancelled = true;
      stop();
    };
  }, [userId]);
  return userId === null ? null : rows;
}

const fillPath = (row: StoredSubmission): string => `${COLLECTION_PATH}/fill/${row.projectId}/${encodeURIComponent(row.formId)}?draft=${row.id}`;

async function sendNow(): Promise<void> {
  const { kick } = await import('./outbox.js');
  await kick(true);
}

export function OutboxPanel({ userId, formId = null }: { userId: number; formId?: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const all = useOutbox(userId);
  const rows = (all ?? []).filter((row) => formId === null || row.formId === formId);
  if (rows.length === 0) return null;
  const count = (state: StoredSubmission['state']) => rows.filter((row) => row.state === state).length;
  const remove = async (row: StoredSubmission) => {
    if (row.state !== 'sent' && !window.confirm(t('collection.outbox.confirmDelete', { name: row.instanceName ?? row.formTitle }))) return;
    await deleteSubmission(row.id);
  };
  const clearSent = async () => {
    for (const row of rows.filter((candidate) => candidate.state === 'sent')) await deleteSubmission(row.id);
  };
  return (
    <section className="panel outbox" data-testid="outbox" aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t('collection.outbox.title')}</h2>
      <p className="muted" data-testid="outbox-summary">
        {t('collection.outbox.summary', { drafts: count('draft'), waiting: count('waiting') + count('sending'), sent: count('sent'), refused: count('refused') })}
      </p>
      <DataTable columns={[t('collection.outbox.submission'), t('collection.outbox.state'), t('collection.outbox.updated'), '']}>
        {rows.map((row) => (
          <tr key={row.id} data-testid="outbox-row" data-state={row.state}>
            <td>
              {row.instanceName ?? <span className="muted">{t('collection.outbox.unnamed')}</span>}
              <br />
              <span className="muted">{row.formTitle}</span>
            </td>
            <td>
              <span className={`status status--outbox-${row.state}`}>{t(`collection.outbox.states.${row.state}`)}</span>
              {row.state === 'sending' && row.step !== null ? <span className="muted"> {row.step === 'xml' ? t('collection.outbox.stepXml') : t('collection.outbox.stepFile', { name: row.step })}</span> : null}
              {row.message !== null && (row.state === 'refused' || row.state === 'waiting') ? (
                <p className={row.state === 'refused' ? 'entry-violation' : 'muted'} data-testid="outbox-message">
                  {row.message}
                </p>
              ) : null}
            </td>
            <td>{format.dateTime(row.updatedAt)}</td>
            <td className="outbox-actions">
              {row.state === 'draft' || row.state === 'refused' ? (
                // A full page load: the entry page reads which draft to reopen when it opens.
                <a className="button button--secondary" href={fillPath(row)} data-testid="outbox-open">
                  {row.state === 'draft' ? t('collection.outbox.continue') : t('collection.outbox.fix')}
                </a>
              ) : null}
              {row.state === 'waiting' ? (
                <button type="button" className="button button--secondary" onClick={() => void sendNow()} data-testid="outbox-send">
                  {t('collection.outbox.sendNow')}
                </button>
              ) : null}
              {row.state === 'refused' ? (
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => void updateSubmission(row.id, (record) => ({ ...record, state: 'waiting', nextAttemptAt: null, message: null })).then(sendNow)}
                >
                  {t('collection.outbox.retry')}
                </button>
              ) : null}
              {row.state !== 'sending' && row.state !== 'waiting' ? (
                <button type="button" className="link-button" onClick={() => void remove(row)} data-testid="outbox-delete">
                  {row.state === 'sent' ? t('collection.outbox.forget') : t('collection.outbox.delete')}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
      {count('sent') > 1 ? (
        <button type="button" className="link-button" onClick={() => void clearSent()}>
          {t('collection.outbox.clearSent')}
        </button>
      ) : null}
    </section>
  );
}
