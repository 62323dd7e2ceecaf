import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { DataTable } from '../components/DataTable.js';
import { useFormat } from '../useFormat.js';
import { typeLabel } from './labels.js';
import { RoundStatusBadge } from './parts.js';
import { roundPath, type RoundView } from './types.js';

/**
 * The rounds of an operation the user may see (the API leaves drafts out for others), newest
 * first, each with its status and a link to its page (imports and data-quality report).
 */
export function RoundsList({ rounds, currentRoundId }: { rounds: readonly RoundView[]; currentRoundId: number | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sorted = [...rounds].sort((a, b) => b.number - a.number || a.assessmentType.localeCompare(b.assessmentType));
  const unpublished = rounds.filter((round) => round.status !== 'published').length;
  return (
    <details className="rounds-list" data-testid="dtm-rounds">
      <summary>
        {t('displacement.rounds.title', { count: rounds.length })}
        {unpublished > 0 ? <span className="muted"> · {t('displacement.rounds.unpublished', { count: unpublished })}</span> : null}
      </summary>
      <div className="table-scroll">
        <DataTable
          caption={t('displacement.rounds.caption')}
          captionHidden
          columns={[t('displacement.round.number'), t('displacement.round.type'), t('displacement.round.referenceDate'), t('displacement.round.collection'), t('displacement.round.status')]}
        >
          {sorted.map((round) => (
            <tr key={round.id} data-round={round.id} className={round.id === currentRoundId ? 'selected' : undefined}>
              <th scope="row">
                <Link href={roundPath(round.id)} data-testid={`dtm-round-link-${round.id}`}>
                  {t('displacement.round.name', { number: round.number, type: round.assessmentType })}
                </Link>
              </th>
              <td>{typeLabel(t, round.assessmentType)}</td>
              <td className="date">{format.date(round.referenceDate)}</td>
              <td className="date">
                {round.collectionStart || round.collectionEnd
                  ? `${format.date(round.collectionStart) || '…'} – ${format.date(round.collectionEnd) || '…'}`
                  : t('common.none')}
              </td>
              <td>
                <RoundStatusBadge status={round.status} />
              </td>
            </tr>
          ))}
        </DataTable>
      </div>
    </details>
  );
}
