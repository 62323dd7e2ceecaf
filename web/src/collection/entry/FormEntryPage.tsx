/**
 * /collection/fill/:projectId/:formId — filling a published form in the browser, on ODK's own
 * engine (loaded with this page only) and Liptako's controls. Labels follow the interface
 * language when the form has it. Finalising checks the form's rules (required, constraints) and
 * hands the submission over for sending.
 */
import './entry.css';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, asApiError } from '../../api.js';
import { SignInHint } from '../../components/Access.js';
import { ErrorNotice, LoadingStatus } from '../../components/Status.js';
import { currentLanguage, i18n } from '../../i18n.js';
import { useSession } from '../../session.js';
import { COLLECTION_PATH } from '../types.js';
import { EntryNode, isShown } from './controls.js';
import { formLanguageFor, formTitle, instanceIdOf, instanceNameOf, loadEngine, violationText, type FormNode, type InstanceConfig, type LoadedForm, type PayloadViolation, type RootNode } from './engine.js';
import { OutboxPanel } from './OutboxPanel.js';
import { deviceId } from './send.js';
import { getSubmission, newId, NOT_SENT_YET, putSubmission, type StoredFile, type StoredSubmission } from './store.js';

/** The files the instance names now (photos), under the names its XML gives them. */
function instanceFiles(node: FormNode): StoredFile[] {
  if (node.nodeType === 'upload') {
    const file = node.currentState.value;
    const name = (node.currentState as { instanceValue?: unknown }).instanceValue;
    return file instanceof Blob && typeof name === 'string' && name !== '' ? [{ name, blob: file }] : [];
  }
  return (node.currentState.children ?? []).flatMap(instanceFiles);
}

/** What the engine restores an instance from: its XML and its files, as a submission carries them. */
function instanceData(record: StoredSubmission): FormData {
  const data = new FormData();
  data.append('xml_submission_file', new File([record.xml], 'submission.xml', { type: 'text/xml' }));
  for (const file of record.files) data.append(file.name, new File([file.blob], file.name, { type: file.blob.type }));
  return data;
}

/** The draft to reopen (`?draft=` in the address), read once when the page opens. */
const draftParameter = (): string | null => new URLSearchParams(window.location.search).get('draft');

function setDraftParameter(id: string | null): void {
  const url = new URL(window.location.href);
  if (id === null) url.searchParams.delete('draft');
  else url.searchParams.set('draft', id);
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}`);
}

/** Whether the browser believes it has a network (changes on `online` / `offline`). */
function useOnline(): boolean {
  return useSyncExternalStore(
    (listener) => {
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
    () => navigator.onLine,
  );
}

async function kickOutbox(): Promise<void> {
  const { kick } = await import('./outbox.js');
  await kick(true);
}

/** The form's published XML, through the session (the service worker keeps it for offline use). */
async function fetchFormXml(projectId: number, formId: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`/v1/projects/${projectId}/forms/${encodeURIComponent(formId)}/form.xml`, { headers: { 'Accept-Language': currentLanguage() } });
  } catch (error) {
    throw new ApiError('network', i18n.t('errors.network'), null, null, error);
  }
  const text = await response.text();
  if (!response.ok) {
    const message = /<message[^>]*>([^<]*)<\/message>/.exec(text)?.[1];
    throw new ApiError('http', message ?? i18n.t('errors.unexpected', { status: response.status }), response.status, response.headers.get('x-liptako-error'));
  }
  return text;
}

/** The label of the question a violation is about (its path when it has none). */
function questionLabel(root: FormNode, violation: PayloadViolation): string {
  const find = (node: FormNode): FormNode | undefined => {
    if (node.nodeId === violation.nodeId) return node;
    for (const child of node.currentState.children ?? []) {
      const found = find(child);
      if (found) return found;
    }
    return undefined;
  };
  return find(root)?.currentState.label?.asString || (violation.reference ?? '');
}

interface Ready {
  form: LoadedForm;
  root: RootNode;
  title: string;
  /** Changes with each new instance: its controls start afresh. */
  serial: number;
}

/** Re-renders (once per frame at most) whenever the engine changes any state it exposes. */
function useEngineState(): { config: (onChange: () => void) => InstanceConfig; version: number; bump: () => void } {
  const [version, setVersion] = useState(0);
  const scheduled = useRef(false);
  const bump = useCallback(() => {
    if (scheduled.current) return;
    scheduled.current = true;
    queueMicrotask(() => {
      scheduled.current = false;
      setVersion((value) => value + 1);
    });
  }, []);
  const config = useCallback(
    (onChange: () => void): InstanceConfig => ({
      // The engine mutates the objects it gets from here: a proxy hears each change.
      stateFactory: <T extends object>(object: T): T =>
        new Proxy(object, {
          set(target, key, value) {
            Reflect.set(target, key, value);
            onChange();
            return true;
          },
        }),
      preloadProperties: { deviceID: deviceId() },
    }),
    [],
  );
  return { config, version, bump };
}

export function FormEntryPage({ projectId, formId }: { projectId: number; formId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const [ready, setReady] = useState<Ready | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const [violations, setViolations] = useState<readonly PayloadViolation[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const online = useOnline();
  const engineState = useEngineState();
  const { config, bump } = engineState;
  // The draft being edited: its record id, the instance it was made from and the XML it started with.
  const draft = useRef<{ id: string | null; root: RootNode | null; initialXml: string; createdAt: string }>({ id: draftParameter(), root: null, initialXml: '', createdAt: new Date().toISOString() });
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const userId = session.user?.id ?? null;
  const titleRef = useRef('');

  // The save under way, if any: saves run one after the other. Two at once (a slow device, a
  // change while the last one was still being written) each took the unsaved draft for a new one
  // and stored it twice, and a save still running when the form was finalised left a draft
  // beside the finalised submission.
  const saving = useRef<Promise<void>>(Promise.resolve());

  /** Saves the instance as it stands as a draft (nothing for a blank form nobody touched). */
  const saveDraftNow = useCallback(async () => {
    const root = draft.current.root;
    if (root === null || userId === null) return;
    const xml = root.instanceState.instanceXML;
    if (draft.current.id === null && xml === draft.current.initialXml) return;
    const id = draft.current.id ?? newId();
    const existing = await getSubmission(id);
    // Finalised meanwhile (or another user's): a late save must not turn it back into a draft.
    if (existing !== undefined && (existing.userId !== userId || (existing.state !== 'draft' && existing.state !== 'refused'))) return;
    if (existing !== undefined && existing.state === 'refused' && existing.xml === xml) return;
    const now = new Date().toISOString();
    await putSubmission({
      id,
      userId,
      projectId,
      formId,
      formTitle: titleRef.current,
      state: 'draft',
      xml,
      files: instanceFiles(root),
      instanceId: instanceIdOf(xml),
      instanceName: instanceNameOf(xml),
      createdAt: existing?.createdAt ?? draft.current.createdAt,
      updatedAt: now,
      ...NOT_SENT_YET,
    });
    if (draft.current.id === null) {
      draft.current.id = id;
      setDraftParameter(id);
    }
    setSavedAt(new Date());
  }, [userId, projectId, formId]);

  const saveDraft = useCallback((): Promise<void> => {
    if (saveTimer.current !== null) clearTimeout(saveTimer.current);
    saveTimer.current = null;
    const run = saving.current.then(saveDraftNow);
    saving.current = run.catch(() => undefined);
    return run;
  }, [saveDraftNow]);

  const changed = useCallback(() => {
    bump();
    if (draft.current.root === null) return;
    if (saveTimer.current !== null) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => void saveDraft().catch(() => undefined), 400);
  }, [bump, saveDraft]);

  // Closing or hiding the tab writes at once what the debounce still held.
  useEffect(() => {
    const flush = () => {
      if (saveTimer.current !== null) void saveDraft().catch(() => undefined);
    };
    const hidden = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', hidden);
      flush();
    };
  }, [saveDraft]);
  const language = currentLanguage();
  const mayFill = session.status !== 'loading' && session.user !== null && session.can('collection.submit');

  useEffect(() => {
    document.title = t('app.pageTitle', { page: ready?.title || t('collection.entry.title') });
  }, [t, ready]);

  useEffect(() => {
    if (!mayFill) return;
    let cancelled = false;
    void (async () => {
      try {
        const [xml, loadForm] = await Promise.all([fetchFormXml(projectId, formId), loadEngine()]);
        const form = await loadForm(xml, {
          // Media the form shows (images of choices…), from the server that serves the form.
          fetchFormAttachment: (url) => fetch(`/v1/projects/${projectId}/forms/${encodeURIComponent(formId)}/attachments/${encodeURIComponent(url.pathname.split('/').pop() ?? '')}`),
          missingResourceBehavior: 'BLANK',
        });
        if (form.status === 'failure') throw new ApiError('http', t('collection.entry.unreadable', { reason: form.error?.message ?? '' }), null);
        titleRef.current = formTitle(xml);
        const stored = draft.current.id === null ? undefined : await getSubmission(draft.current.id).catch(() => undefined);
        const reopen = stored !== undefined && stored.userId === userId && stored.formId === formId && (stored.state === 'draft' || stored.state === 'refused');
        if (!reopen) {
          draft.current.id = null;
          setDraftParameter(null);
        }
        const { root } = reopen ? await form.restoreInstance({ data: [instanceData(stored)] }, config(changed)) : form.createInstance(config(changed));
        draft.current = { ...draft.current, root, initialXml: root.instanceState.instanceXML, createdAt: stored?.createdAt ?? new Date().toISOString() };
        if (!cancelled) setReady({ form, root, title: titleRef.current, serial: 0 });
      } catch (caught) {
        if (!cancelled) setError(asApiError(caught));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [mayFill, projectId, formId, attempt, config, changed, userId, t]);

  // The form's labels in the interface language, when the form has it.
  useEffect(() => {
    if (ready === null) return;
    const wanted = formLanguageFor(ready.root.languages, language);
    if (wanted !== undefined && wanted.language !== ready.root.currentState.activeLanguage.language) ready.root.setLanguage(wanted);
  }, [ready, language]);

  async function finalise() {
    if (ready === null) return;
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const payload = await ready.root.prepareInstancePayload({ payloadType: 'monolithic' });
      if (payload.status !== 'ready') {
        setShowErrors(true);
        setViolations(payload.violations ?? []);
        return;
      }
      setViolations([]);
      const data = payload.data[0];
      const xmlFile = data.get('xml_submission_file');
      if (!(xmlFile instanceof Blob)) throw new Error('the engine built no xml_submission_file');
      const xml = await xmlFile.text();
      const files = [...data.entries()].filter(([name, value]) => name !== 'xml_submission_file' && value instanceof Blob).map(([name, value]) => ({ name, blob: value as Blob }));
      const instanceId = instanceIdOf(xml);
      if (instanceId === null || userId === null) throw new Error('the submission has no instanceID');
      if (saveTimer.current !== null) clearTimeout(saveTimer.current);
      saveTimer.current = null;
      // A save under way finishes first: the finalised submission then replaces its draft.
      await saving.current;
      const now = new Date().toISOString();
      // Into the outbox (the same record as its draft): from here the outbox owns it.
      await putSubmission({
        id: draft.current.id ?? newId(),
        userId,
        projectId,
        formId,
        formTitle: ready.title,
        state: 'waiting',
        xml,
        files,
        instanceId,
        instanceName: instanceNameOf(xml),
        createdAt: draft.current.createdAt,
        updatedAt: now,
        ...NOT_SENT_YET,
      });
      void kickOutbox().catch(() => undefined);
      setDone(instanceId);
      setShowErrors(false);
      setSavedAt(null);
      const { root } = ready.form.createInstance(config(changed));
      draft.current = { id: null, root, initialXml: root.instanceState.instanceXML, createdAt: new Date().toISOString() };
      setDraftParameter(null);
      setReady({ ...ready, root, serial: ready.serial + 1 });
      window.scrollTo(0, 0);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  const back = (
    <p>
      <Link href={COLLECTION_PATH}>{t('collection.entry.back')}</Link>
    </p>
  );

  if (session.status === 'loading') return <LoadingStatus loading label={t('common.loadingPage')} />;
  if (session.user === null) {
    return (
      <section className="page">
        <h1>{t('collection.entry.title')}</h1>
        <SignInHint text={t('collection.entry.signIn')} testId="entry-sign-in" />
      </section>
    );
  }
  if (!session.can('collection.submit')) {
    return (
      <section className="page">
        <h1>{t('collection.entry.title')}</h1>
        <p className="notice notice-error">{t('collection.entry.notAllowed')}</p>
        {back}
      </section>
    );
  }

  const children = ready?.root.currentState.children ?? [];
  return (
    <section className="page entry-page" aria-labelledby="entry-title" data-testid="entry-page" data-version={engineState.version}>
      <header className="page-header">
        {back}
        <h1 id="entry-title">{ready?.title || t('collection.entry.title')}</h1>
        <p className="muted">{t('collection.entry.intro')}</p>
      </header>
      {done !== null ? (
        <p className="notice" role="status" data-testid="entry-done">
          {t('collection.outbox.queued')}
        </p>
      ) : null}
      {!online ? (
        <p className="notice" role="status" data-testid="entry-offline">
          {t('collection.outbox.offline')}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} onRetry={
            ready === null
              ? () => {
                  setError(null);
                  setAttempt((value) => value + 1);
                }
              : undefined
          } /> : null}
      <LoadingStatus loading={ready === null && error === null} label={t('collection.entry.loading')} />
      {ready !== null ? (
        <form
          key={ready.serial}
          className="entry-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void finalise();
          }}
          data-testid="entry-form"
        >
          {children.filter(isShown).map((node) => (
            <EntryNode key={node.nodeId} node={node} showErrors={showErrors} />
          ))}
          {violations.length > 0 ? (
            <div className="notice notice-error" role="alert" data-testid="entry-violations">
              <p>{t('collection.entry.fix', { count: violations.length })}</p>
              <ul>
                {violations.map((violation, index) => (
                  <li key={index}>
                    {t('collection.entry.violation', { label: questionLabel(ready.root, violation), message: violation.violation ? violationText(violation.violation) : '' })}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="entry-actions">
            <button type="submit" className="button" disabled={busy} data-testid="entry-finalise">
              {busy ? t('collection.entry.finalising') : t('collection.entry.finalise')}
            </button>
            <span className="muted" role="status" data-testid="entry-saved">
              {savedAt !== null ? t('collection.outbox.draftSaved', { time: savedAt.toLocaleTimeString(language === 'fr' ? 'fr-FR' : 'en-GB') }) : ''}
            </span>
          </div>
        </form>
      ) : null}
      {userId !== null ? <OutboxPanel userId={userId} formId={formId} /> : null}
    </section>
  );
}
