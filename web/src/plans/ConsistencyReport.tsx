import { useTranslation } from 'react-i18next';
import type { ConsistencyView } from './types.js';

/**
 * Where parts do not add up to their stated whole. "Expected" differences (de-duplicated people
 * targeted) are information, never errors; "check" ones deserve a look; "ok" ones are counted.
 */
export function ConsistencyReport({ findings }: { findings: readonly ConsistencyView[] }) {
  const { t } = useTranslation();
  const shown = findings.filter((finding) => finding.severity !== 'ok');
  const checks = shown.filter((finding) => finding.severity === 'check').length;
  return (
    <section className="panel consistency" data-testid="consistency-report" aria-labelledby="consistency-title" id="consistency">
      <h2 id="consistency-title">{t('plans.consistency.title')}</h2>
      <p className="muted">{t('plans.consistency.intro')}</p>
      {shown.length === 0 ? (
        <p className="notice notice-success" data-severity="ok">
          {t('plans.consistency.allOk')}
        </p>
      ) : (
        <>
          {checks > 0 ? <p>{t('plans.consistency.checks', { count: checks })}</p> : null}
          <ul className="findings">
            {shown.map((finding) => (
              <li
                key={`${finding.scope}|${finding.measure}|${finding.code}`}
                className={finding.severity === 'check' ? 'notice notice-warning' : 'notice notice-info'}
                data-severity={finding.severity}
                data-code={finding.code}
              >
                <span className="finding-label">
                  {finding.severity === 'check' ? t('plans.consistency.check') : t('plans.consistency.expected')}
                </span>
                <p>{finding.message}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
