import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Names the browser tab after the page ("Page — Liptako", in the reader's language). */
export function usePageTitle(page: string): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = t('app.pageTitle', { page });
  }, [t, page]);
}

/**
 * A page's heading: its title under `id` (which the page's section is labelled by), the line
 * that says what the page is for, and the page's own buttons or links on the right.
 */
export function PageHeader({ id, title, intro, children }: { id: string; title: ReactNode; intro: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header section-title">
      <div>
        <h1 id={id}>{title}</h1>
        <p className="muted">{intro}</p>
      </div>
      {children}
    </header>
  );
}
