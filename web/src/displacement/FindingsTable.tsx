import { useTranslation } from 'react-i18next';
import { useFormat } from '../useFormat.js';
import { issueStatusLabel, ruleLabel } from './labels.js';
import { Pager, SeverityBadge } from './parts.js';
import type { Issue } from './types.js';

export const ISSUES_PAGE = 50;

/**
 * The findings of a round, one page at a time: row, column, value, what is wrong (in the user's
 * language, from the server), severity and status. Reviewers tick open findings to decide them.
 */
export function FindingsTable({
  issues,
  total,
  offset,
  loading,
  selectable,
  selected,
  onSelect,
  onPage,
}: {
  issues: readonly Issue[];
  total: number;
  offset: number;
  loading: boolean;
  selectable: boolean;
  selected: ReadonlyMap<number, Issue>;
  onSelect: (selected: ReadonlyMap<number, Issue>) => void;
  onPage: (offset: number) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const none = t('common.none');
  const open = issues.filter((issue) => issue.status === 'open');
  const allChecked = open.length > 0 && open.every((issue) => selected.has(issue.id));

  function toggle(issue: Issue, checked: boolean) {
    const next = new Map(selected);
    if (checked) next.set(issue.id, issue);
    else next.delete(issue.id);
    onSelect(next);
  }

  function toggleAll(checked: boolean) {
    const next = new Map(selected);
    for (const issue of open) {
      if (checked) next.set(issue.id, issue);
      else next.delete(issue.id);
    }
    onSelect(next);
  }

  return (
    <>
      <div className={loading ? 'table-scroll is-loading' : 'table-scroll'}>
        <table className="data-table findings-table" data-testid="dtm-findings-table" aria-busy={loading}>
          <caption className="visually-hidden">{t('displacement.findings.caption', { count: total })}</caption>
          <thead>
            <tr>
              {selectable ? (
                <th scope="col" className="select-cell">
                  <input
                    type="checkbox"
                    aria-label={t('displacement.findings.selectAll')}
                    data-testid="dtm-select-all"
                    disabled={open.length === 0}
                    checked={allChecked}
                    onChange={(event) => toggleAll(event.currentTarget.checked)}
                  />
                </th>
              ) : null}
              <th scope="col" className="num">
                {t('displacement.findings.row')}
              </th>
              <th scope="col">{t('displacement.findings.column')}</th>
              <th scope="col">{t('displacement.findings.value')}</th>
              <th scope="col">{t('displacement.findings.message')}</th>
              <th scope="col">{t('displacement.findings.location')}</th>
              <th scope="col">{t('displacement.quality.severity')}</th>
              <th scope="col">{t('displacement.findings.status')}</th>
            </tr>
          </thead>
          <tbody>
            {issues.length === 0 ? (
              <tr>
                <td colSpan={selectable ? 8 : 7} className="empty">
                  {loading ? t('common.loading') : t('displacement.findings.empty')}
                </td>
              </tr>
            ) : (
              issues.map((issue) => {
                const checked = selected.has(issue.id);
                const label = t('displacement.findings.select', { row: issue.row ?? '—', rule: ruleLabel(t, issue.rule) });
                return (
                  <tr
                    key={issue.id}
                    data-testid={`dtm-finding-${issue.id}`}
                    data-rule={issue.rule}
                    data-severity={issue.severity}
                    data-status={issue.status}
                    data-row={issue.row ?? ''}
                    className={checked ? 'selected' : undefined}
                  >
                    {selectable ? (
                      <td className="select-cell">
                        {issue.status === 'open' ? (
                          <input type="checkbox" aria-label={label} checked={checked} onChange={(event) => toggle(issue, event.currentTarget.checked)} />
                        ) : null}
                      </td>
                    ) : null}
                    <td className="num">
                      {issue.row === null ? none : format.number(issue.row)}
                      {issue.source ? (
                        <span className="code muted block" title={t('displacement.findings.source')} data-testid="dtm-finding-source">
                          {issue.source.instanceId}
                        </span>
                      ) : null}
                    </td>
                    <td className="code">{issue.column ?? none}</td>
                    <td className="code">{issue.value ?? none}</td>
                    <td>
                      <span className="finding-rule">{ruleLabel(t, issue.rule)}</span>
                      <span className="block">{issue.message}</span>
                    </td>
                    <td>
                      {issue.location ? (
                        <>
                          {issue.location.name ?? none}
                          {issue.location.code ? <span className="code muted block">{issue.location.code}</span> : null}
                        </>
                      ) : (
                        none
                      )}
                    </td>
                    <td>
                      <SeverityBadge severity={issue.severity} />
                    </td>
                    <td className={`issue-status issue-${issue.status}`}>
                      {issueStatusLabel(t, issue.status)}
                      {issue.decidedBy ? <span className="muted block">{issue.decidedBy}</span> : null}
                      {issue.comment ? <span className="block comment">{t('displacement.findings.comment', { comment: issue.comment })}</span> : null}
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <Pager offset={offset} limit={ISSUES_PAGE} total={total} count={issues.length} loading={loading} label={t('displacement.findings.pagination')} onPage={onPage} />
    </>
  );
}
