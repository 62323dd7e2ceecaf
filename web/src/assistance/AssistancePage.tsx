import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { buildUrl, sendJson } from '../api.js';
import { Field, InputField, OrganisationField } from '../components/FormFields.js';
import { ErrorNotice, LoadingStatus } from '../components/Status.js';
import { useSession } from '../session.js';
import { useAction } from '../useAction.js';
import { useApi } from '../useApi.js';
import { useFormat } from '../useFormat.js';
import { useOrganisationChoices } from '../useOrganisationChoices.js';
import { DistributionsSection } from './DistributionsSection.js';
import { RegistryImport } from './RegistryImport.js';
import type { DuplicatesResponse, DuplicateView, HouseholdsResponse, ReviewRecord } from './types.js';
import { DataTable } from '../components/DataTable.js';
import { QueueActions } from '../components/QueueActions.js';
import { PageHeader, usePageTitle } from '../components/PageHeader.js';

/** The reasons duplicate detection gives (reasonsOf, src/assistance/linkage.ts) in the reader's language; unknown ones as they come. */
function useReason(): (reason: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (reason: string) => {
      const name = /^name ([0-9.]+)$/.exec(reason);
      if (name) return t('assistance.reasons.name', { value: name[1] });
      const year = /^birth year ±(\d+)$/.exec(reason);
      if (year) return t('assistance.reasons.birthYearNear', { gap: year[1] });
      const known: Record<string, string> = {
        'same birth year': 'assistance.reasons.sameBirthYear',
        'same phone': 'assistance.reasons.samePhone',
        'phones differ': 'assistance.reasons.phonesDiffer',
        'same admin2': 'assistance.reasons.samePlace',
        'different admin2': 'assistance.reasons.differentPlace',
        'same household': 'assistance.reasons.sameHousehold',
        'household alike': 'assistance.reasons.householdAlike',
      };
      return known[reason] === undefined ? reason : t(known[reason]);
    },
    [t],
  );
}

function Registry({ version }: { version: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useApi<HouseholdsResponse>(buildUrl('/api/assistance/households', { limit: 200 }), { version });
  const households = list.data?.households ?? [];
  return (
    <section className="panel" aria-labelledby="assistance-registry-title" data-testid="assistance-registry">
      <h2 id="assistance-registry-title">{t('assistance.registry.title', { count: list.data?.total ?? 0 })}</h2>
      <p className="muted">{t('assistance.registry.intro')}</p>
      {list.error ? <ErrorNotice error={list.error} onRetry={list.retry} /> : null}
      <LoadingStatus loading={list.loading} label={t('assistance.registry.loading')} />
      {list.data && households.length === 0 ? <p>{t('assistance.registry.empty')}</p> : null}
      {households.length > 0 ? (
        <div className="table-scroll">
          <DataTable columns={[t('assistance.columns.household'), t('assistance.columns.organisation'), t('assistance.columns.place'), t('assistance.columns.site'), t('assistance.columns.status'), { label: t('assistance.columns.members'), className: 'number' }, t('assistance.columns.registered')]}>
            {households.map((household) => (
              <tr key={household.id}>
                <td className="code">{household.id}</td>
                <td>{household.organisation.acronym}</td>
                <td>
                  {household.location.admin2Name ?? household.location.admin2} <span className="code muted">{household.location.admin3 ?? household.location.admin2}</span>
                </td>
                <td className="code">{household.location.site ?? '—'}</td>
                <td>{t(`assistance.displacement.${household.displacementStatus}`)}</td>
                <td className="number">{format.number(household.members)}</td>
                <td>{format.date(household.registeredAt.slice(0, 10))}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      ) : null}
      {(list.data?.total ?? 0) > households.length ? <p className="muted">{t('assistance.registry.more', { count: (list.data?.total ?? 0) - households.length })}</p> : null}
    </section>
  );
}

/** One registration of a pair: personal fields only when the server sent them (assistance.personal). */
function RecordCard({ record, side }: { record: ReviewRecord; side: 'a' | 'b' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows: Array<[string, string]> = [
    ...(record.personal
      ? ([
          [t('assistance.columns.name'), `${record.personal.givenNames} ${record.personal.familyName}`],
          ...(record.personal.spokenName ? [[t('assistance.columns.spokenName'), record.personal.spokenName] as [string, string]] : []),
          [t('assistance.columns.phone'), record.personal.phone ?? '—'],
        ] as Array<[string, string]>)
      : []),
    [t('assistance.columns.sex'), t(`assistance.sex.${record.sex}`)],
    [t('assistance.columns.birthYear'), record.birthYear === null ? '—' : String(record.birthYear)],
    [t('assistance.columns.relation'), t(`assistance.relation.${record.relation}`)],
    [t('assistance.columns.organisation'), record.organisation.acronym],
    [t('assistance.columns.place'), `${record.admin2Name ?? record.admin2} (${record.admin2})${record.site ? ` · ${record.site}` : ''}`],
    [t('assistance.columns.household'), t('assistance.review.household', { id: record.householdId, count: record.householdSize })],
    [t('assistance.columns.registered'), format.date(record.registeredAt)],
  ];
  return (
    <div className="duplicate-record" data-testid={`assistance-record-${side}`}>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label} className="duplicate-field">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {record.personal === null ? <p className="muted small">{t('assistance.review.noPersonal')}</p> : null}
    </div>
  );
}

function PairCard({ pair, onChanged }: { pair: DuplicateView; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reason = useReason();
  const [comment, setComment] = useState('');
  const { busy, error, run } = useAction();

  const act = (path: string, body: Record<string, unknown>) =>
    run(async () => {
      await sendJson('POST', path, { ...body, ...(comment.trim() === '' ? {} : { comment }) });
      onChanged();
    });

  return (
    <article className="duplicate-pair" data-testid="assistance-pair" aria-label={t('assistance.review.pair', { id: pair.id })}>
      <header className="duplicate-header">
        <strong data-testid="assistance-score">{t('assistance.review.score', { score: format.decimal(pair.score, 2) })}</strong>
        <ul className="duplicate-reasons" aria-label={t('assistance.review.reasons')}>
          {pair.reasons.map((text) => (
            <li key={text}>{reason(text)}</li>
          ))}
        </ul>
      </header>
      <div className="duplicate-records">
        <RecordCard record={pair.records[0]} side="a" />
        <RecordCard record={pair.records[1]} side="b" />
      </div>
      {pair.comment ? <p className="muted">{t('assistance.review.previous', { comment: pair.comment })}</p> : null}
      <QueueActions label={t('assistance.review.decide')} comment={{ label: t('assistance.review.comment'), value: comment, onChange: setComment }}>
        {pair.merged ? (
          <button type="button" className="button small" disabled={busy} onClick={() => void act(`/api/assistance/duplicates/${pair.id}/undo`, {})} data-testid="assistance-undo">
            {t('assistance.review.undo')}
          </button>
        ) : (
          (['same', 'different', 'unsure'] as const).map((decision) => (
            <button
              key={decision}
              type="button"
              className={decision === 'same' ? 'button small primary' : 'button small'}
              disabled={busy || pair.status === decision}
              onClick={() => void act(`/api/assistance/duplicates/${pair.id}/decision`, { decision })}
              data-testid={`assistance-${decision}`}
            >
              {t(`assistance.review.${decision}`)}
            </button>
          ))
        )}
      </QueueActions>
      {error ? <ErrorNotice error={error} /> : null}
    </article>
  );
}

interface MemberDraft {
  givenNames: string;
  familyName: string;
  sex: 'f' | 'm';
  birthYear: string;
  relation: string;
  phone: string;
}

const RELATIONS = ['head', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'] as const;
const STATUSES = ['idp', 'returnee', 'refugee', 'host', 'other'] as const;
const emptyMember = (relation: string): MemberDraft => ({ givenNames: '', familyName: '', sex: 'f', birthYear: '', relation, phone: '' });

/** Registering one household: its place, its members and the consent given; the server checks everything before storing anything. */
function RegisterForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const choices = useOrganisationChoices();
  const [place, setPlace] = useState({ organisation: '', pcode: '', site: '', status: 'idp', givenBy: '' });
  const [members, setMembers] = useState<MemberDraft[]>([emptyMember('head')]);
  const saving = useAction();
  const [saved, setSaved] = useState<number | null>(null);
  const id = useId();
  const setMember = (index: number, key: keyof MemberDraft, value: string) => setMembers(members.map((member, at) => (at === index ? { ...member, [key]: value } : member)));
  const setPlaceOf = (key: keyof typeof place) => (event: { target: { value: string } }) => setPlace({ ...place, [key]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    await saving.run(async () => {
      const result = await sendJson<{ household: { id: number } }>('POST', '/api/assistance/households', {
        organisationId: Number(place.organisation || choices[0]?.id),
        location: { pcode: place.pcode.trim(), site: place.site.trim() === '' ? null : place.site.trim() },
        displacementStatus: place.status,
        members: members.map((member) => ({
          givenNames: member.givenNames,
          familyName: member.familyName,
          sex: member.sex,
          birthYear: member.birthYear.trim() === '' ? null : Number(member.birthYear),
          relation: member.relation,
          phone: member.phone.trim() === '' ? null : member.phone,
        })),
        consent: { givenBy: place.givenBy, givenAt: new Date().toISOString(), purposes: ['registration', 'assistance', 'deduplication'] },
      });
      setSaved(result.household.id);
      setMembers([emptyMember('head')]);
      setPlace({ ...place, site: '', givenBy: '' });
      onSaved();
    });
  }

  return (
    <form className="panel assistance-form" onSubmit={(event) => void submit(event)} data-testid="assistance-register">
      <h2>{t('assistance.form.title')}</h2>
      <div className="form-grid">
        <OrganisationField id={`${id}-org`} label={t('assistance.columns.organisation')} value={place.organisation} organisations={choices} onChange={setPlaceOf('organisation')} />
        <InputField id={`${id}-pcode`} label={t('assistance.form.pcode')} value={place.pcode} onChange={setPlaceOf('pcode')} required maxLength={20} placeholder="ML0703" />
        <InputField id={`${id}-site`} label={t('assistance.columns.site')} value={place.site} onChange={setPlaceOf('site')} maxLength={60} />
        <Field id={`${id}-status`} label={t('assistance.columns.status')}>
          <select id={`${id}-status`} value={place.status} onChange={setPlaceOf('status')}>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`assistance.displacement.${status}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset className="assistance-members">
        <legend>{t('assistance.form.members')}</legend>
        {members.map((member, index) => (
          <div className="form-grid" key={index} data-testid="assistance-member">
            <InputField id={`${id}-given-${index}`} label={t('assistance.form.givenNames')} value={member.givenNames} onChange={(event) => setMember(index, 'givenNames', event.target.value)} required maxLength={200} />
            <InputField id={`${id}-family-${index}`} label={t('assistance.form.familyName')} value={member.familyName} onChange={(event) => setMember(index, 'familyName', event.target.value)} required maxLength={200} />
            <div className="field">
              <label htmlFor={`${id}-sex-${index}`}>{t('assistance.columns.sex')}</label>
              <select id={`${id}-sex-${index}`} value={member.sex} onChange={(event) => setMember(index, 'sex', event.target.value)}>
                <option value="f">{t('assistance.sex.f')}</option>
                <option value="m">{t('assistance.sex.m')}</option>
              </select>
            </div>
            <InputField id={`${id}-year-${index}`} label={t('assistance.columns.birthYear')} inputMode="numeric" value={member.birthYear} onChange={(event) => setMember(index, 'birthYear', event.target.value)} maxLength={4} />
            <div className="field">
              <label htmlFor={`${id}-relation-${index}`}>{t('assistance.columns.relation')}</label>
              <select id={`${id}-relation-${index}`} value={member.relation} onChange={(event) => setMember(index, 'relation', event.target.value)}>
                {RELATIONS.map((relation) => (
                  <option key={relation} value={relation}>
                    {t(`assistance.relation.${relation}`)}
                  </option>
                ))}
              </select>
            </div>
            <InputField id={`${id}-phone-${index}`} label={t('assistance.columns.phone')} type="tel" value={member.phone} onChange={(event) => setMember(index, 'phone', event.target.value)} maxLength={40} />
          </div>
        ))}
        <button type="button" className="button small" onClick={() => setMembers([...members, emptyMember('child')])} data-testid="assistance-add-member">
          {t('assistance.form.addMember')}
        </button>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-consent`}>{t('assistance.form.consentBy')}</label>
        <input id={`${id}-consent`} value={place.givenBy} onChange={setPlaceOf('givenBy')} required maxLength={200} />
        <span className="help">{t('assistance.form.consentHelp')}</span>
      </div>
      {saving.error ? <ErrorNotice error={saving.error} /> : null}
      {saved !== null ? (
        <p className="notice notice-success" role="status" data-testid="assistance-saved">
          {t('assistance.form.saved', { id: saved })}
        </p>
      ) : null}
      <button type="submit" className="button primary">
        {t('assistance.form.save')}
      </button>
    </form>
  );
}

const QUEUES = ['pending', 'same', 'unsure', 'different'] as const;

function ReviewQueue({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [status, setStatus] = useState<(typeof QUEUES)[number]>('pending');
  const queue = useApi<DuplicatesResponse>(buildUrl('/api/assistance/duplicates', { status, limit: 50 }), { version });
  const { busy: detecting, error, run } = useAction();
  const [found, setFound] = useState<number | null>(null);
  const statusId = useId();

  const detect = () =>
    run(async () => {
      const result = await sendJson<{ added: number }>('POST', '/api/assistance/duplicates/detect', {});
      setFound(result.added);
      onChanged();
    });

  return (
    <section className="panel" aria-labelledby="assistance-review-title" data-testid="assistance-review">
      <h2 id="assistance-review-title">{t('assistance.review.title')}</h2>
      <p className="muted">{t('assistance.review.intro')}</p>
      <div className="queue-actions">
        <span className="field">
          <label htmlFor={statusId}>{t('assistance.review.show')}</label>
          <select id={statusId} value={status} onChange={(event) => setStatus(event.target.value as (typeof QUEUES)[number])} data-testid="assistance-status">
            {QUEUES.map((value) => (
              <option key={value} value={value}>
                {t(`assistance.review.status.${value}`)}
              </option>
            ))}
          </select>
        </span>
        <button type="button" className="button small" disabled={detecting} onClick={() => void detect()} data-testid="assistance-detect">
          {t('assistance.review.detect')}
        </button>
        {found !== null ? (
          <span role="status" className="muted" data-testid="assistance-found">
            {t('assistance.review.found', { count: found })}
          </span>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {queue.error ? <ErrorNotice error={queue.error} onRetry={queue.retry} /> : null}
      <LoadingStatus loading={queue.loading} label={t('assistance.review.loading')} />
      {queue.data ? (
        <p data-testid="assistance-queue-total">{t(`assistance.review.total.${status}`, { count: queue.data.total, formatted: format.number(queue.data.total) })}</p>
      ) : null}
      {queue.data?.detection ? (
        <p className="muted" data-testid="assistance-threshold">
          {t(`assistance.review.threshold.${queue.data.detection.source}`, {
            threshold: format.decimal(queue.data.detection.threshold, 3),
            count: queue.data.detection.labels,
            formatted: format.number(queue.data.detection.labels),
          })}
        </p>
      ) : null}
      {(queue.data?.duplicates ?? []).map((pair) => (
        <PairCard key={`${pair.id}-${pair.status}`} pair={pair} onChanged={onChanged} />
      ))}
    </section>
  );
}

/** /assistance: the registry (households, no names) and, for reviewers, the queue of possible duplicates side by side. */
export function AssistancePage() {
  const { t } = useTranslation();
  const session = useSession();
  const [version, setVersion] = useState(0);
  const changed = useCallback(() => setVersion((value) => value + 1), []);

  usePageTitle(t('assistance.title'));

  return (
    <section className="page assistance-page" aria-labelledby="assistance-title" data-testid="assistance-page">
      <PageHeader id="assistance-title" title={t('assistance.title')} intro={t('assistance.intro')} />
      {session.can('assistance.read') ? <Registry version={version} /> : <p>{t('assistance.signIn')}</p>}
      {session.can('assistance.read') ? <DistributionsSection canRecord={session.can('assistance.manage')} /> : null}
      {session.can('assistance.manage') ? (
        <>
          <RegisterForm onSaved={changed} />
          <RegistryImport onImported={changed} />
          <ReviewQueue version={version} onChanged={changed} />
        </>
      ) : null}
    </section>
  );
}
