import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { earmarkLabel, statusLabel } from './labels.js';
import { exportUrl, type ContributionView, type ExportFormat, type ExportTable, type PlanView } from './types.js';

const EXPORTS: ReadonlyArray<{ table: ExportTable; format: ExportFormat }> = [
  { table: 'funding', format: 'csv' },
  { table: 'funding', format: 'xlsx' },
  { table: 'contributions', format: 'csv' },
  { table: 'contributions', format: 'xlsx' },
];

/** Downloads of the funding table and the contributions, as the server writes them. */
export function ExportLinks({ code }: { code: string }) {
  const { t } = useTranslation();
  return (
    <div className="export-links" data-testid="plan-exports" role="group" aria-label={t('plans.exports.title')}>
      <span className="muted">{t('plans.exports.title')}</span>
      {EXPORTS.map(({ table, format }) => (
        <a
          key={`${table}-${format}`}
          className="button small"
          href={exportUrl(code, table, format)}
          download
          data-testid={`export-${table}-${format}`}
        >
          {t(`plans.exports.${table}`)} · {format.toUpperCase()}
        </a>
      ))}
    </div>
  );
}

export interface ContributionsTableProps {
  plan: PlanView | undefined;
  contributions: readonly ContributionView[] | undefined;
  loading: boolean;
  /** The contribution being edited in the form, if any. */
  editingId: number | null;
  /** Null when the user may not change contributions: no edit buttons. */
  onEdit: ((contribution: ContributionView) => void) | null;
}

/** Every contribution: donor, amount as given and in USD, status, dates, where the money goes. */
export function ContributionsTable({ plan, contributions, loading, editingId, onEdit }: ContributionsTableProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const none = t('common.none');
  const rows = contributions ?? [];
  const total = rows.reduce((sum, contribution) => sum + contribution.amountUsd, 0);
  return (
    <div className={loading ? 'table-scroll is-loading' : 'table-scroll'}>
      <table className="data-table contributions-table" data-testid="contributions-table" aria-busy={loading}>
        <caption className="visually-hidden">{t('plans.contributions.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('plans.contributions.donor')}</th>
            <th scope="col" className="num">
              {t('plans.contributions.amount')}
            </th>
            <th scope="col" className="num">
              {t('plans.contributions.usd')}
            </th>
            <th scope="col">{t('plans.contributions.status')}</th>
            <th scope="col">{t('plans.contributions.dates')}</th>
            <th scope="col">{t('plans.contributions.earmark')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="empty">
                {loading ? t('common.loading') : t('plans.contributions.empty')}
              </td>
            </tr>
          ) : (
            rows.map((contribution) => (
              <tr
                key={contribution.id}
                data-testid={`contribution-${contribution.id}`}
                data-status={contribution.status}
                className={contribution.id === editingId ? 'selected' : undefined}
              >
                <th scope="row">
                  {contribution.donor}
                  {contribution.description ? <span className="sub muted">{contribution.description}</span> : null}
                  {contribution.ftsFlowId ? <span className="sub muted code">FTS {contribution.ftsFlowId}</span> : null}
                  {onEdit ? (
                    <button
                      type="button"
                      className="link-button edit-link"
                      aria-label={t('plans.contributions.editLabel', { donor: contribution.donor })}
                      aria-pressed={contribution.id === editingId}
                      data-testid="contribution-edit"
                      onClick={() => onEdit(contribution)}
                    >
                      {t('plans.contributions.edit')}
                    </button>
                  ) : null}
                </th>
                <td className="num" data-testid="contribution-amount">
                  {format.money(contribution.amountOriginal, contribution.currency)}
                  {contribution.currency !== 'USD' ? (
                    <span className="sub muted">
                      {t('plans.contributions.rate', { rate: format.decimal(contribution.exchangeRate, 6), currency: contribution.currency })}
                    </span>
                  ) : null}
                </td>
                <td className="num" data-testid="contribution-usd" data-value={contribution.amountUsd}>
                  {format.money(contribution.amountUsd)}
                </td>
                <td>
                  <span className={`status-badge status-${contribution.status}`}>{statusLabel(t, contribution.status)}</span>
                </td>
                <td className="dates-cell" data-testid="contribution-dates">
                  {(['pledgedOn', 'committedOn', 'paidOn'] as const).map((field) =>
                    contribution[field] ? (
                      <span key={field} className="dated">
                        <span className="muted">{t(`plans.contributions.${field}`)}</span> {format.date(contribution[field])}
                      </span>
                    ) : null,
                  )}
                  {!contribution.pledgedOn && !contribution.committedOn && !contribution.paidOn ? none : null}
                </td>
                <td data-testid="contribution-earmark">{earmarkLabel(t, format, plan, contribution.earmark)}</td>
              </tr>
            ))
          )}
        </tbody>
        {rows.length > 0 ? (
          <tfoot>
            <tr>
              <th scope="row">{t('plans.contributions.total', { count: rows.length })}</th>
              <td />
              <td className="num">{format.money(total)}</td>
              <td colSpan={3} className="muted">
                {t('plans.contributions.totalHint')}
              </td>
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
