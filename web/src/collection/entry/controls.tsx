/**
 * Liptako's own controls for the questions of ODK's form engine: each reads the engine node's
 * current state and writes through its setters; the engine computes relevance, calculations,
 * choice filters (cascades) and validity. The page re-renders when the engine changes state.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { valueText, violationText, type FormNode, type SelectItem } from './engine.js';

/** Whether the node (or anything under it) shows a control: model-only groups such as `meta` do not. */
export function isShown(node: FormNode): boolean {
  if (!node.currentState.relevant) return false;
  switch (node.nodeType) {
    case 'model-value':
    case 'attribute':
      return false;
    case 'group':
    case 'repeat-instance':
      return (node.currentState.children ?? []).some(isShown);
    case 'repeat-range:controlled':
    case 'repeat-range:uncontrolled':
      return true;
    default:
      return true;
  }
}

interface ControlProps {
  node: FormNode;
  /** Show rule violations even before the user touched the question (after a finalise attempt). */
  showErrors: boolean;
}

function useTouched(showErrors: boolean): [boolean, () => void] {
  const [touched, setTouched] = useState(false);
  return [touched || showErrors, () => setTouched(true)];
}

function Question({ node, inputId, showErrors, children, legend = false }: { node: FormNode; inputId: string; showErrors: boolean; children: React.ReactNode; legend?: boolean }) {
  const label = node.currentState.label?.asString ?? '';
  const hint = node.currentState.hint?.asString ?? '';
  const violation = node.validationState.violation ?? null;
  const required = node.currentState.required ? <span className="required" aria-hidden="true"> *</span> : null;
  const Tag = legend ? 'fieldset' : 'div';
  return (
    <Tag className={`entry-question${violation && showErrors ? ' entry-question--invalid' : ''}`} data-ref={node.currentState.reference} data-testid="entry-question">
      {legend ? (
        <legend>
          {label}
          {required}
        </legend>
      ) : (
        <label htmlFor={inputId}>
          {label}
          {required}
        </label>
      )}
      {hint ? (
        <p className="muted entry-hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      {violation && showErrors ? (
        <p className="entry-violation" role="alert" id={`${inputId}-error`}>
          {violationText(violation)}
        </p>
      ) : null}
    </Tag>
  );
}

const INPUT_TYPES: Record<string, { type: string; inputMode?: 'numeric' | 'decimal'; step?: string }> = {
  int: { type: 'number', inputMode: 'numeric', step: '1' },
  decimal: { type: 'number', inputMode: 'decimal', step: 'any' },
  date: { type: 'date' },
  time: { type: 'time' },
  dateTime: { type: 'datetime-local' },
};

/** Text, integer, decimal, date and time: the text typed is kept as typed, the engine gets it parsed. */
function TextInput({ node, showErrors }: ControlProps) {
  const inputId = useId();
  const [visible, touch] = useTouched(showErrors);
  const engineText = valueText(node.currentState.value);
  const [text, setText] = useState(engineText);
  const [seen, setSeen] = useState(engineText);
  // Follow the engine when it changes the value itself (a calculation, a cleared form), but keep
  // what is being typed when it means the same number ("12." while typing "12.5").
  if (seen !== engineText) {
    setSeen(engineText);
    if (!(text.trim() !== '' && engineText !== '' && Number(text) === Number(engineText))) setText(engineText);
  }
  const kind = INPUT_TYPES[node.valueType ?? 'string'];
  const rows = (node.nodeOptions as { rows?: number | null } | null)?.rows ?? null;
  const common = {
    id: inputId,
    value: text,
    readOnly: node.currentState.readonly,
    required: node.currentState.required,
    'aria-invalid': visible && node.validationState.violation ? true : undefined,
  };
  // Judged from the first change, not on leaving the field: a message appearing on blur moves the
  // page under the pointer, and the click that caused the blur lands on something else.
  const change = (value: string) => {
    touch();
    setText(value);
    node.setValue?.(value);
  };
  return (
    <Question node={node} inputId={inputId} showErrors={visible}>
      {kind === undefined && rows !== null && rows > 1 ? (
        <textarea {...common} rows={rows} onChange={(event) => change(event.target.value)} />
      ) : (
        <input {...common} type={kind?.type ?? 'text'} inputMode={kind?.inputMode} step={kind?.step} onChange={(event) => change(event.target.value)} />
      )}
    </Question>
  );
}

/** Select one (radio buttons) and select multiple (check boxes); the choices are the engine's, filtered by any cascade. */
function Select({ node, showErrors }: ControlProps) {
  const { t } = useTranslation();
  const inputId = useId();
  const [visible, touch] = useTouched(showErrors);
  const options = (node.currentState.valueOptions as readonly SelectItem[] | null) ?? [];
  const selected = new Set((node.currentState.value as readonly string[] | null) ?? []);
  const multiple = node.selectType === 'select';
  const toggle = (value: string) => {
    touch();
    if (node.currentState.readonly) return;
    if (!multiple) {
      node.selectValue?.(value);
      return;
    }
    const next = new Set(selected);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    node.selectValues?.(options.map((option) => option.value).filter((option) => next.has(option)));
  };
  return (
    <Question node={node} inputId={inputId} showErrors={visible} legend>
      {options.length === 0 ? <p className="muted">{t('collection.entry.noChoices')}</p> : null}
      <div className="entry-choices">
        {options.map((option) => (
          <label key={option.value} className="checkbox">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              name={inputId}
              value={option.value}
              checked={selected.has(option.value)}
              disabled={node.currentState.readonly}
              onChange={() => toggle(option.value)}
            />{' '}
            {option.label.asString || option.value}
          </label>
        ))}
        {!multiple && selected.size > 0 && !node.currentState.readonly ? (
          <button type="button" className="link-button" onClick={() => node.selectValue?.(null)}>
            {t('collection.entry.clearChoice')}
          </button>
        ) : null}
      </div>
    </Question>
  );
}

interface LocationPoint {
  latitude: number;
  longitude: number;
  altitude: number | null;
  accuracy: number | null;
}

/** A GPS point from the browser (navigator.geolocation), or typed as ODK writes it. */
function Geopoint({ node, showErrors }: ControlProps) {
  const { t } = useTranslation();
  const inputId = useId();
  const [visible] = useTouched(showErrors);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const point = node.currentState.value as LocationPoint | null;
  function locate() {
    if (!('geolocation' in navigator)) {
      setProblem(t('collection.entry.gpsUnavailable'));
      return;
    }
    setBusy(true);
    setProblem(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setBusy(false);
        const { latitude, longitude, altitude, accuracy } = position.coords;
        node.setValue?.({ latitude, longitude, altitude: altitude ?? 0, accuracy });
      },
      (error) => {
        setBusy(false);
        setProblem(error.code === error.PERMISSION_DENIED ? t('collection.entry.gpsDenied') : t('collection.entry.gpsFailed'));
      },
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 },
    );
  }
  return (
    <Question node={node} inputId={inputId} showErrors={visible}>
      <div className="entry-geopoint">
        <output id={inputId} data-testid="entry-geopoint-value">
          {point === null ? t('collection.entry.gpsNone') : t('collection.entry.gpsPoint', { latitude: point.latitude.toFixed(6), longitude: point.longitude.toFixed(6), accuracy: point.accuracy === null ? '—' : Math.round(point.accuracy) })}
        </output>{' '}
        {node.currentState.readonly ? null : (
          <>
            <button type="button" className="button button--secondary" disabled={busy} onClick={locate} data-testid="entry-locate">
              {busy ? t('collection.entry.gpsLocating') : t('collection.entry.gpsLocate')}
            </button>
            {point !== null ? (
              <button type="button" className="link-button" onClick={() => node.setValue?.(null)}>
                {t('collection.entry.clearChoice')}
              </button>
            ) : null}
          </>
        )}
      </div>
      {problem ? <p className="entry-violation">{problem}</p> : null}
    </Question>
  );
}

/** A photo (or other file) from the camera or the disk; shown small when it is an image. */
function Upload({ node, showErrors }: ControlProps) {
  const { t } = useTranslation();
  const inputId = useId();
  const [visible, touch] = useTouched(showErrors);
  const file = node.currentState.value as File | null;
  const accept = (node.nodeOptions as { media?: { accept?: string } } | null)?.media?.accept ?? '*/*';
  const preview = useMemo(() => (file !== null && file.type.startsWith('image/') ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => (preview === null ? undefined : URL.revokeObjectURL(preview)), [preview]);
  return (
    <Question node={node} inputId={inputId} showErrors={visible}>
      <input
        id={inputId}
        type="file"
        accept={accept}
        capture={accept.startsWith('image/') ? 'environment' : undefined}
        disabled={node.currentState.readonly}
        onChange={(event) => {
          touch();
          const chosen = event.target.files?.[0];
          if (chosen !== undefined) node.setValue?.(chosen);
          event.target.value = '';
        }}
        data-testid="entry-file"
      />
      {file !== null ? (
        <div className="entry-file">
          {preview !== null ? <img src={preview} alt="" width={96} height={96} /> : null}
          <span>
            {file.name} ({Math.max(1, Math.round(file.size / 1024))} KB)
          </span>{' '}
          <button type="button" className="link-button" onClick={() => node.setValue?.(null)}>
            {t('collection.entry.removeFile')}
          </button>
        </div>
      ) : null}
    </Question>
  );
}

function Note({ node }: { node: FormNode }) {
  return (
    <div className="entry-note" data-ref={node.currentState.reference}>
      {node.currentState.label?.asString ? <p>{node.currentState.label.asString}</p> : null}
      {node.currentState.hint?.asString ? <p className="muted">{node.currentState.hint.asString}</p> : null}
    </div>
  );
}

function Children({ nodes, showErrors }: { nodes: readonly FormNode[]; showErrors: boolean }) {
  return (
    <>
      {nodes.filter(isShown).map((child) => (
        <EntryNode key={child.nodeId} node={child} showErrors={showErrors} />
      ))}
    </>
  );
}

/** A repeat: its instances, each removable, and a button to add one (when the form does not fix the count). */
function Repeat({ node, showErrors }: ControlProps) {
  const { t } = useTranslation();
  const instances = node.currentState.children ?? [];
  const label = node.currentState.label?.asString ?? '';
  const free = node.nodeType === 'repeat-range:uncontrolled';
  return (
    <section className="entry-repeat" data-ref={node.currentState.reference} data-testid="entry-repeat">
      {label ? <h3>{label}</h3> : null}
      {instances.map((instance, index) => (
        <fieldset key={instance.nodeId} className="entry-repeat-instance" data-testid="entry-repeat-instance">
          <legend>{t('collection.entry.repeatInstance', { label: label || t('collection.entry.repeatItem'), number: index + 1 })}</legend>
          <Children nodes={instance.currentState.children ?? []} showErrors={showErrors} />
          {free && !node.currentState.readonly ? (
            <button type="button" className="button button--secondary" onClick={() => node.removeInstances?.(index, 1)} data-testid="entry-repeat-remove">
              {t('collection.entry.repeatRemove', { number: index + 1 })}
            </button>
          ) : null}
        </fieldset>
      ))}
      {free && !node.currentState.readonly ? (
        <button type="button" className="button button--secondary" onClick={() => node.addInstances?.(instances.length - 1, 1)} data-testid="entry-repeat-add">
          {t('collection.entry.repeatAdd', { label: label || t('collection.entry.repeatItem') })}
        </button>
      ) : null}
    </section>
  );
}

/** Any node of the form, by its type. */
export function EntryNode({ node, showErrors }: ControlProps) {
  const { t } = useTranslation();
  switch (node.nodeType) {
    case 'group': {
      const label = node.currentState.label?.asString ?? '';
      const children = <Children nodes={node.currentState.children ?? []} showErrors={showErrors} />;
      return label ? (
        <fieldset className="entry-group" data-ref={node.currentState.reference}>
          <legend>{label}</legend>
          {children}
        </fieldset>
      ) : (
        children
      );
    }
    case 'repeat-range:controlled':
    case 'repeat-range:uncontrolled':
      return <Repeat node={node} showErrors={showErrors} />;
    case 'select':
      return <Select node={node} showErrors={showErrors} />;
    case 'upload':
      return <Upload node={node} showErrors={showErrors} />;
    case 'note':
      return <Note node={node} />;
    case 'input':
      return node.valueType === 'geopoint' ? <Geopoint node={node} showErrors={showErrors} /> : <TextInput node={node} showErrors={showErrors} />;
    default:
      return (
        <p className="muted" data-ref={node.currentState.reference}>
          {t('collection.entry.unsupported', { label: node.currentState.label?.asString ?? node.currentState.reference })}
        </p>
      );
  }
}
