import { useId, type ReactNode } from 'react';

/**
 * What a reviewer does to the items of a review queue (duplicate pairs, submissions, 4W reports):
 * a box that checks the whole page, a comment kept with the decision, then the page's own
 * decision buttons. The group is named for screen readers; each part is there only when given.
 */
export function QueueActions({
  label,
  checkAll,
  comment,
  children,
}: {
  label: string;
  checkAll?: { label: ReactNode; checked: boolean; disabled?: boolean; testId: string; onToggle: () => void };
  comment?: { label: ReactNode; value: string; onChange: (value: string) => void };
  children: ReactNode;
}) {
  const commentId = useId();
  return (
    <div className="queue-actions" role="group" aria-label={label}>
      {checkAll ? (
        <label className="checkbox">
          <input type="checkbox" checked={checkAll.checked} disabled={checkAll.disabled} onChange={checkAll.onToggle} data-testid={checkAll.testId} />{' '}
          {checkAll.label}
        </label>
      ) : null}
      {comment ? (
        <span className="field">
          <label htmlFor={commentId}>{comment.label}</label>
          <input id={commentId} value={comment.value} maxLength={2000} onChange={(event) => comment.onChange(event.target.value)} />
        </span>
      ) : null}
      {children}
    </div>
  );
}
