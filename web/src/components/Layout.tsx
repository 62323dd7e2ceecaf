import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { LANGUAGES } from '../format.js';
import { currentLanguage, setLanguage } from '../i18n.js';
import { MODULES, moduleForPath } from '../modules.js';

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const active = currentLanguage();
  return (
    <div className="lang-switch" role="group" aria-label={t('header.language')} data-language={i18n.language}>
      {LANGUAGES.map((language, index) => (
        <span key={language} className="lang-switch-item">
          {index > 0 ? (
            <span className="lang-sep" aria-hidden="true">
              |
            </span>
          ) : null}
          <button
            type="button"
            lang={language}
            className="lang-button"
            aria-pressed={language === active}
            title={language === active ? undefined : t('header.switchTo')}
            onClick={() => setLanguage(language)}
          >
            {language.toUpperCase()}
          </button>
        </span>
      ))}
    </div>
  );
}

function ModuleNav({ id, open, onNavigate }: { id: string; open: boolean; onNavigate: () => void }) {
  const { t } = useTranslation();
  const [location] = useLocation();
  const current = moduleForPath(location);
  return (
    <nav id={id} className={open ? 'module-nav open' : 'module-nav'} aria-label={t('nav.label')}>
      <ul>
        {MODULES.map((module) => (
          <li key={module.id}>
            {module.available ? (
              <Link
                href={module.path}
                className="nav-item"
                aria-current={current?.id === module.id ? 'page' : undefined}
                onClick={onNavigate}
              >
                {t(`nav.modules.${module.id}`)}
              </Link>
            ) : (
              <span className="nav-item disabled" aria-disabled="true" title={t('nav.comingHint')}>
                <span>{t(`nav.modules.${module.id}`)}</span>
                <span className="badge">{t('nav.coming')}</span>
              </span>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Header, module navigation and the main area that every module renders into. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls={navId}
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span className="menu-icon" aria-hidden="true" />
          <span>{t('header.menu')}</span>
        </button>
        <Link href="/" className="brand">
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </Link>
        <div className="header-tools">
          <LanguageSwitch />
          {/* The signed-in user (and sign-out) will sit here once access control exists. */}
          <div className="header-user" data-testid="header-user" />
        </div>
      </header>
      <div className="app-body">
        <ModuleNav id={navId} open={menuOpen} onNavigate={() => setMenuOpen(false)} />
        <main id="main" className="app-main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
