import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Redirect, Route, Switch } from 'wouter';
import { Layout } from './components/Layout.js';
import { GeographyPage } from './geo/GeographyPage.js';

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
        <Link href="/geography">{t('notFound.back')}</Link>
      </p>
    </section>
  );
}

export function App() {
  return (
    <Layout>
      <Switch>
        <Route path="/">
          <Redirect to="/geography" replace />
        </Route>
        <Route path="/geography" component={GeographyPage} />
        <Route component={NotFound} />
      </Switch>
    </Layout>
  );
}
