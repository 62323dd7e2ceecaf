import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { Layout } from './components/Layout.js';
import { LoadingStatus } from './components/Status.js';
import { PlansOverview } from './plans/PlansOverview.js';
import { SessionProvider, useSession } from './session.js';

// Loaded on demand: the home page does not carry d3-geo, the chart, the contribution form, the
// displacement pages, nor the sign-in, account and administration pages.
const GeographyPage = lazy(() => import('./geo/GeographyPage.js').then((module) => ({ default: module.GeographyPage })));
const PlanPage = lazy(() => import('./plans/PlanPage.js').then((module) => ({ default: module.PlanPage })));
const SignInPage = lazy(() => import('./access/SignInPage.js').then((module) => ({ default: module.SignInPage })));
const AccountPage = lazy(() => import('./access/AccountPage.js').then((module) => ({ default: module.AccountPage })));
const UsersPage = lazy(() => import('./access/UsersPage.js').then((module) => ({ default: module.UsersPage })));
const AuditPage = lazy(() => import('./access/AuditPage.js').then((module) => ({ default: module.AuditPage })));
const OperationsPage = lazy(() => import('./displacement/OperationsPage.js').then((module) => ({ default: module.OperationsPage })));
const OperationDashboard = lazy(() => import('./displacement/OperationDashboard.js').then((module) => ({ default: module.OperationDashboard })));
const RoundPage = lazy(() => import('./displacement/RoundPage.js').then((module) => ({ default: module.RoundPage })));
const CollectionPage = lazy(() => import('./collection/CollectionPage.js').then((module) => ({ default: module.CollectionPage })));
// The entry page alone loads ODK's form engine (a large chunk): no other page carries it.
const FormEntryPage = lazy(() => import('./collection/entry/FormEntryPage.js').then((module) => ({ default: module.FormEntryPage })));
const ResponsePage = lazy(() => import('./response/ResponsePage.js').then((module) => ({ default: module.ResponsePage })));
const AssistancePage = lazy(() => import('./assistance/AssistancePage.js').then((module) => ({ default: module.AssistancePage })));
const DtmImportPage = lazy(() => import('./displacement/ImportPage.js').then((module) => ({ default: module.ImportPage })));

function NotFound() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = t('app.pageTitle', { page: t('notFound.title') });
  }, [t]);
  return (
    <section className="page">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link href="/">{t('notFound.back')}</Link>
      </p>
    </section>
  );
}

function PageLoading() {
  const { t } = useTranslation();
  return <LoadingStatus loading label={t('common.loadingPage')} />;
}

/**
 * Sends the outbox of web form entry from any page while a user who may submit is signed in. The
 * sender is a chunk of its own, fetched only for such users.
 */
function OutboxRunner() {
  const session = useSession();
  const userId = session.user !== null && session.can('collection.submit') ? session.user.id : null;
  useEffect(() => {
    if (userId === null) return;
    let stop: (() => void) | null = null;
    let cancelled = false;
    void import('./collection/entry/outbox.js').then(
      ({ startOutbox }) => {
        if (!cancelled) stop = startOutbox(userId);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [userId]);
  return null;
}

function Pages() {
  // A new session (sign-in, sign-out) starts every page afresh: what a user may see differs.
  const { generation } = useSession();
  return (
    <Suspense key={generation} fallback={<PageLoading />}>
      <Switch>
        <Route path="/" component={PlansOverview} />
        <Route path="/plans" component={PlansOverview} />
        <Route path="/plans/:code">{(params) => <PlanPage code={params.code} />}</Route>
        <Route path="/geography" component={GeographyPage} />
        <Route path="/displacement" component={OperationsPage} />
        <Route path="/displacement/import" component={DtmImportPage} />
        <Route path="/displacement/rounds/:id">{(params) => <RoundPage id={Number(params.id)} />}</Route>
        <Route path="/displacement/:code">{(params) => <OperationDashboard code={params.code} />}</Route>
        <Route path="/collection" component={CollectionPage} />
        <Route path="/collection/fill/:projectId/:formId">{(params) => <FormEntryPage key={`${params.projectId}/${params.formId}`} projectId={Number(params.projectId)} formId={decodeURIComponent(params.formId)} />}</Route>
        <Route path="/response" component={ResponsePage} />
        <Route path="/assistance" component={AssistancePage} />
        <Route path="/sign-in" component={SignInPage} />
        <Route path="/account" component={AccountPage} />
        <Route path="/admin/users" component={UsersPage} />
        <Route path="/admin/audit" component={AuditPage} />
        <Route component={NotFound} />
      </Switch>
    </Suspense>
  );
}

export function App() {
  return (
    <SessionProvider>
      <OutboxRunner />
      <Layout>
        <Pages />
      </Layout>
    </SessionProvider>
  );
}
