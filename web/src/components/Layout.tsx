import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api.js';
import { LANGUAGES } from '../../../src/shared/format.js';
import { currentLanguage, setLanguage } from '../i18n.js';
import { ADMIN_PAGES, MODULES, moduleForPath } from '../modules.js';
import { useSession } from '../session.js';
import { useSignInHref } from './Access.js';
import { useOffline } from '../offline.js';
import { useFormat } from '../useFormat.js';

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

/** Pages that make no sense once signed out: leave them on sign-out. */
const SIGNED_IN_ONLY = ['/account', '/admin/'];

/** The signed-in user's name with a menu (account, sign out), or a "Sign in" link. */
function HeaderUser() {
  const { t } = useTranslation();
  const session = useSession();
  const signInHref = useSignInHref();
  const [location, navigate] = useLocation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const menuId = useId();
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !box.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (session.status === 'loading') return <div className="header-user" data-testid="header-user" data-state="loading" />;
  if (!session.user || session.expired) {
    return (
      <div className="header-user" data-testid="header-user" data-state="anonymous">
        {location === '/sign-in' ? null : (
          <Link href={signInHref} className="header-link" data-testid="sign-in-link">
            {t('auth.signIn')}
          </Link>
        )}
      </div>
    );
  }

  function signOut(everywhere: boolean) {
    setBusy(true);
    setProblem(null);
    session.signOut(everywhere).then(
      () => {
        setBusy(false);
        setOpen(false);
        if (SIGNED_IN_ONLY.some((prefix) => location === prefix || location.startsWith(prefix))) navigate('/');
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(error instanceof ApiError ? error.message : String(error));
      },
    );
  }

  const user = session.user;
  return (
    <div className="header-user" data-testid="header-user" data-state="signed-in" ref={box}>
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls={menuId}
        data-testid="user-menu"
        title={user.email}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="user-name" data-testid="user-name">
          {user.name}
        </span>
        <span className="caret" aria-hidden="true" />
      </button>
      <div id={menuId} className="user-menu" hidden={!open} data-testid="user-menu-panel">
        <p className="user-menu-who">
          <strong>{user.name}</strong>
          <span className="muted">{user.email}</span>
        </p>
        <ul>
          <li>
            <Link href="/account" className="user-menu-item" data-testid="user-menu-account" onClick={() => setOpen(false)}>
              {t('auth.menu.account')}
            </Link>
          </li>
          <li>
            <button type="button" className="user-menu-item" disabled={busy} data-testid="sign-out" onClick={() => signOut(false)}>
              {t('auth.menu.signOut')}
            </button>
          </li>
          <li>
            <button type="button" className="user-menu-item" disabled={busy} data-testid="sign-out-everywhere" onClick={() => signOut(true)}>
              {t('auth.menu.signOutEverywhere')}
            </button>
          </li>
        </ul>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** Working from the cache (no network), and a newer build waiting: both said at the top of every page. */
function OfflineNotices() {
  const { t } = useTranslation();
  const offline = useOffline();
  const format = useFormat();
  return (
    <>
      {offline.cachedSince !== null ? (
        <p className="notice offline-notice" role="status" data-testid="offline-notice">
          {t(offline.cachedBecause === 'saved' ? 'offline.saved' : 'offline.cached', { date: format.dateTime(offline.cachedSince.toISOString()) })}
        </p>
      ) : null}
      {offline.update !== null ? (
        <div className="notice update-notice" role="status" data-testid="update-notice">
          <p>{t('offline.update')}</p>
          <button type="button" className="button small" onClick={offline.update}>
            {t('offline.reload')}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Told when the server no longer knows the user: sign in again, and come back here. */
function SessionExpired() {
  const { t } = useTranslation();
  const session = useSession();
  const signInHref = useSignInHref();
  if (!session.expired) return null;
  return (
    <div className="notice notice-error session-expired" role="alert" data-testid="session-expired">
      <p>
        {t('auth.expired.text')} <Link href={signInHref}>{t('auth.expired.signIn')}</Link>
      </p>
      <button type="button" className="button small" onClick={session.dismissExpired}>
        {t('common.close')}
      </button>
    </div>
  );
}

function AdminNav({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const [location] = useLocation();
  const headingId = useId();
  const pages = ADMIN_PAGES.filter((page) => session.can(page.verb) && !session.expired);
  if (pages.length === 0) return null;
  return (
    <>
      <h2 className="nav-heading" id={headingId}>
        {t('nav.adminTitle')}
      </h2>
      <ul aria-labelledby={headingId} data-testid="nav-admin">
        {pages.map((page) => (
          <li key={page.id}>
            <Link
              href={page.path}
              className="nav-item"
              data-testid={`nav-admin-${page.id}`}
              aria-current={location === page.path ? 'page' : undefined}
              onClick={onNavigate}
            >
              {t(`nav.adminPages.${page.id}`)}
            </Link>
          </li>
        ))}
      </ul>
    </>
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
      <AdminNav onNavigate={onNavigate} />
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
          <HeaderUser />
        </div>
      </header>
      <div className="app-body">
        <ModuleNav id={navId} open={menuOpen} onNavigate={() => setMenuOpen(false)} />
        <main id="main" className="app-main" tabIndex={-1}>
          <OfflineNotices />
          <SessionExpired />
          {children}
        </main>
      </div>
    </div>
  );
}
