/**
 * The export choices of a form's submissions (CSV zip or Excel, select-multiples split, labels,
 * dates) and the OData feed URL that Excel and Power BI connect to with a token.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl } from '../api.js';

export function ExportPanel({ projectId, formId, reviewState }: { projectId: number; formId: string; reviewState: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [format, setFormat] = useState<'csv.zip' | 'xlsx'>('csv.zip');
  const [split, setSplit] = useState(false);
  const [labels, setLabels] = useState<'' | 'fr' | 'en'>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [copied, setCopied] = useState(false);
  const base = `/api/collection/projects/${projectId}/forms/${encodeURIComponent(formId)}`;
  const href = buildUrl(`${base}/submissions.${format}`, {
    reviewState: reviewState === '' ? undefined : reviewState,
    splitSelectMultiple: split ? 'true' : undefined,
    labels: labels === '' ? undefined : labels,
    from: from === '' ? undefined : new Date(`${from}T00:00:00Z`).toISOString(),
    // The end date is included: the export's `to` is exclusive, so the next day's midnight.
    to: to === '' ? undefined : new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString(),
  });
  const odata = `${window.location.origin}${base}.svc`;
  return (
    <fieldset className="export-panel" data-testid="collection-export-panel">
      <legend>{t('collection.exportPanel.title')}</legend>
      <span className="field">
        <label htmlFor={`${id}-format`}>{t('collection.exportPanel.format')}</label>
        <select id={`${id}-format`} value={format} onChange={(event) => setFormat(event.target.value === 'xlsx' ? 'xlsx' : 'csv.zip')} data-testid="collection-export-format">
          <option value="csv.zip">{t('collection.submissions.export')}</option>
          <option value="xlsx">{t('collection.exportPanel.xlsx')}</option>
        </select>
      </span>
      <label className="checkbox">
        <input type="checkbox" checked={split} onChange={() => setSplit(!split)} data-testid="collection-export-split" /> {t('collection.exportPanel.split')}
      </label>
      <span className="field">
        <label htmlFor={`${id}-labels`}>{t('collection.exportPanel.labels')}</label>
        <select id={`${id}-labels`} value={labels} onChange={(event) => setLabels(event.target.value === 'fr' || event.target.value === 'en' ? event.target.value : '')}>
          <option value="">{t('collection.exportPanel.codes')}</option>
          <option value="fr">{t('collection.exportPanel.french')}</option>
          <option value="en">{t('collection.exportPanel.english')}</option>
        </select>
      </span>
      <span className="field">
        <label htmlFor={`${id}-from`}>{t('collection.exportPanel.from')}</label>
        <input id={`${id}-from`} type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
      </span>
      <span className="field">
        <label htmlFor={`${id}-to`}>{t('collection.exportPanel.to')}</label>
        <input id={`${id}-to`} type="date" value={to} onChange={(event) => setTo(event.target.value)} />
      </span>
      <a className="button" href={href} download data-testid="collection-export">
        {t('collection.exportPanel.download')}
      </a>
      <span className="field">
        <label htmlFor={`${id}-odata`}>{t('collection.exportPanel.odata')}</label>
        <input id={`${id}-odata`} readOnly value={odata} onFocus={(event) => event.target.select()} data-testid="collection-odata-url" />
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(odata).then(() => setCopied(true));
          }}
        >
          {copied ? t('collection.exportPanel.copied') : t('collection.exportPanel.copy')}
        </button>
      </span>
      <p className="hint">{t('collection.exportPanel.odataHint')}</p>
    </fieldset>
  );
}
