import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { operationName, typeLabel } from './labels.js';
import { dashboardPath, IMPORT_PATH, type OperationsResponse } from './types.js';
import { PageHeader, usePageTitle } from '../components/PageHeader.js';

/** /displacement: the DTM operations, each with its latest published round. */
export function OperationsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const list = useApi<OperationsResponse>('/api/dtm/operations');
  const operations = list.data?.operations ?? [];

  usePageTitle(t('displacement.title'));

  return (
    <section className="page dtm-page" aria-labelledby="dtm-title">
      <PageHeader id="dtm-title" title={t('displacement.title')} intro={t('displacement.operations.intro')}>
        {session.can('dtm.import') ? (
          <Link href={IMPORT_PATH} className="button primary" data-testid="dtm-import-link">
            {t('displacement.import.open')}
          </Link>
        ) : null}
      </PageHeader>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <LoadingStatus loading={list.loading} label={t('displacement.operations.loading')} />
      {list.data && operations.length === 0 ? (
        <p className="notice notice-info" data-testid="dtm-no-operations">
          {t('displacement.operations.empty')}
        </p>
      ) : null}
      <ul className="operation-cards" data-testid="dtm-operations">
        {operations.map((operation) => {
          const latest = operation.latestPublished;
          const href = dashboardPath(operation.code);
          return (
            <li key={operation.code} className="panel operation-card" data-testid={`operation-card-${operation.code}`}>
              <p className="eyebrow">{format.country(operation.country)}</p>
              <h2>
                <Link href={href}>{operationName(operation, format.language)}</Link>
              </h2>
              <p className="muted">
                <span className="code">{operation.code}</span> · {t('displacement.operations.rounds', { count: operation.rounds, published: operation.publishedRounds })}
              </p>
              {latest ? (
                <p className="operation-latest" data-testid="operation-latest">
                  <span className="muted">{t('displacement.operations.latest')}</span>{' '}
                  <strong>{t('displacement.round.short', { number: latest.number })}</strong> · {typeLabel(t, latest.assessmentType)}
                  <br />
                  {t('displacement.operations.referenceDate', { date: format.date(latest.referenceDate, 'long') })}
                </p>
              ) : (
                <p className="operation-latest muted">{t('displacement.operations.noneYet')}</p>
              )}
              <p>
                <Link href={href} className="button small">
                  {t('displacement.operations.open')}
                </Link>
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
