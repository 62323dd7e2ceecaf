import { useTranslation } from 'react-i18next';
import { DataTable } from '../components/DataTable.js';
import { LoadOnOpen } from '../components/LoadOnOpen.js';
import { useFormat, type Formatters } from '../useFormat.js';
import { planUrl, type ChangesResponse } from './types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A recorded value in a few words: numbers formatted, a contribution as donor and amount. */
function describeValue(value: unknown, format: Formatters, none: string): string {
  if (value === null || value === undefined) return none;
  if (typeof value === 'number') return format.number(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (isRecord(value)) {
    const donor = typeof value.donor === 'string' ? value.donor : null;
    const usd = typeof value.amountUsd === 'number' ? format.money(value.amountUsd) : null;
    const status = typeof value.status === 'string' ? value.status : null;
    const parts = [donor, usd, status].filter((part): part is string => part !== null);
    if (parts.length > 0) return parts.join(' · ');
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Who changed which figure, when and why (loaded only when opened). */
export function ChangeHistory({ code, version }: { code: string; version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const none = t('common.none');
  return (
    <LoadOnOpen<ChangesResponse, ChangesResponse['changes'][number]>
      url={planUrl(code, '/changes')}
      version={version}
      className="panel change-history"
      testId="plan-changes"
      title={(count) => (count === undefined ? t('plans.changes.title') : t('plans.changes.titleCount', { count }))}
      items={(response) => response.changes}
      empty={t('plans.changes.empty')}
    >
      {(changes) => (
        <DataTable columns={[t('plans.changes.when'), t('plans.changes.who'), t('plans.changes.what'), t('plans.changes.before'), t('plans.changes.after'), t('plans.changes.reason')]}>
          {changes.map((change) => (
            <tr key={change.id}>
              <td className="date">{format.dateTime(change.changedAt)}</td>
              <td>{change.changedBy}</td>
              <td>
                {t(`plans.changes.entities.${change.entity}`, { defaultValue: change.entity })} #{change.entityId} ·{' '}
                {t(`plans.changes.fields.${change.field}`, { defaultValue: change.field })}
              </td>
              <td>{describeValue(change.oldValue, format, none)}</td>
              <td>{describeValue(change.newValue, format, none)}</td>
              <td>{change.reason ?? none}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </LoadOnOpen>
  );
}
