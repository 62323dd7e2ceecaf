import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch } from 'wouter';
import { Layout } from './components/Layout.js';
import { LoadingStatus } from './components/Status.js';
import { PlansOverview } from './plans/PlansOverview.js';

// Loaded on demand: the home page does not carry d3-geo, the chart or the contribution form.
const GeographyPage = lazy(() => import('./geo/GeographyPage.js').then((module) => ({ default: module.GeographyPage })));
const PlanPage = lazy(() => import('./plans/PlanPage.js').then((module) => ({ default: module.PlanPage })));

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

export function App() {
  return (
    <Layout>
      <Suspense fallback={<PageLoading />}>
        <Switch>
          <Route path="/" component={PlansOverview} />
          <Route path="/plans" component={PlansOverview} />
          <Route path="/plans/:code">{(params) => <PlanPage code={params.code} />}</Route>
          <Route path="/geography" component={GeographyPage} />
          <Route component={NotFound} />
        </Switch>
      </Suspense>
    </Layout>
  );
}
