import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../useApi.js';
import { ErrorNotice } from './Status.js';

/**
 * A collapsed section whose list is fetched only when it is opened: histories can be long and
 * the link slow. Shows loading, errors with a retry, an empty message, then the table.
 */
export function LoadOnOpen<Response, Item>({
  url,
  version,
  className,
  testId,
  title,
  items,
  empty,
  children,
}: {
  url: string;
  version: number;
  className: string;
  testId: string;
  /** The summary line; `count` is undefined until the list is loaded. */
  title: (count: number | undefined) => string;
  items: (response: Response) => Item[];
  empty: string;
  children: (items: Item[]) => ReactNode;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const list = useApi<Response>(open ? url : null, { version });
  const loaded = list.data === undefined || list.data === null ? undefined : items(list.data);
  return (
    <details className={className} data-testid={testId} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{title(loaded?.length)}</summary>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      {list.loading && !loaded ? <p role="status">{t('common.loading')}</p> : null}
      {loaded && loaded.length === 0 ? <p>{empty}</p> : null}
      {loaded && loaded.length > 0 ? <div className="table-scroll">{children(loaded)}</div> : null}
    </details>
  );
}
