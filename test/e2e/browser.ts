/**
 * Helpers shared by the browser tests: the demo accounts, signing in through the sign-in page,
 * and a watch on every page of a context for console messages and Content-Security-Policy
 * violations (none are allowed, except Chromium's own line for a 4xx answer the test provokes).
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/access/service.js';
import { builtAppAvailable, chromiumAvailable, CHROMIUM_ARGS, CHROMIUM_PATH, startServer, type RunningServer } from '../support/server.js';

/** Browser tests need Debian's Chromium and a built app (`npm run build`); without them they skip. */
export const browserTestsReady = chromiumAvailable() && builtAppAvailable();

export interface DemoBrowser {
  /** The built server on a fresh copy of the demo data. */
  readonly server: RunningServer;
  readonly browser: Browser;
}

/**
 * Starts the built server on demo data and Chromium before the tests of the describe block that
 * calls it, and stops both after them. Screenshots go to test-results/.
 */
export function useDemoBrowser(): DemoBrowser {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useDemoBrowser: the server and the browser start in beforeAll');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
  };
}

export interface DemoAccount {
  email: string;
  password: string;
  name: string;
}

function demo(role: string): DemoAccount {
  const account = DEMO_ACCOUNTS.find((candidate) => candidate.role === role);
  if (!account) throw new Error(`no demo account with role ${role}`);
  return { email: account.email, password: account.password, name: account.name };
}

/** The accounts `liptako start` creates (passwords printed there). */
export const DEMO = {
  admin: demo('administrator'),
  imMali: demo('im-officer'),
  manager: demo('programme-manager'),
  enumeratorNiger: demo('enumerator'),
  partner: demo('partner-reporter'),
  viewer: demo('viewer'),
};

/** A 4xx answer the test provokes on purpose: Chromium logs "Failed to load resource" for it. */
export interface ExpectedFailure {
  status: number;
  /** Path of the request, without the query. */
  path: string;
}

export interface ContextWatch {
  /** Console messages of every type, page errors and CSP violations, as "type: text @ url". */
  problems: () => string[];
  /** Allows one more deliberate failure (from now on). */
  expectFailure: (failure: ExpectedFailure) => void;
}

const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/**
 * Watches every page of the context (present and future). A message counts as expected only when
 * it is exactly Chromium's "Failed to load resource" line for a listed status and path.
 */
export async function watchContext(context: BrowserContext, expected: ExpectedFailure[] = []): Promise<ContextWatch> {
  const problems: string[] = [];
  const allowed = [...expected];
  const isExpected = (message: ConsoleMessage): boolean => {
    if (message.type() !== 'error') return false;
    const match = FAILED_RESOURCE.exec(message.text());
    if (!match) return false;
    const location = message.location().url;
    if (!location) return false;
    const path = new URL(location).pathname;
    return allowed.some((failure) => failure.status === Number(match[1]) && failure.path === path);
  };
  const watchPage = (page: Page): void => {
    page.on('console', (message) => {
      if (!isExpected(message)) problems.push(`${message.type()}: ${message.text()} @ ${message.location().url}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  };
  // Reported from inside the page, before any of its own scripts run (not subject to its CSP).
  await context.exposeBinding('__liptakoCspViolation', (_source, text: string) => {
    problems.push(`csp: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __liptakoCspViolation: (text: string) => Promise<void> }).__liptakoCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  context.on('page', watchPage);
  for (const page of context.pages()) watchPage(page);
  return { problems: () => [...problems], expectFailure: (failure) => allowed.push(failure) };
}

/** Fills and sends the sign-in form on the current page (the sign-in page), then waits to be signed in. */
export async function submitSignIn(page: Page, account: { email: string; password: string }): Promise<void> {
  const form = page.getByTestId('sign-in-form');
  await form.getByTestId('sign-in-email').fill(account.email);
  await form.getByTestId('sign-in-password').fill(account.password);
  await form.getByTestId('sign-in-submit').click();
  await expect.poll(() => page.getByTestId('header-user').getAttribute('data-state'), { timeout: 20_000 }).toBe('signed-in');
}

/** Opens the sign-in page (coming back to `next`), signs in, and waits to be back at `next`. */
export async function signIn(page: Page, baseUrl: string, account: DemoAccount, next = '/'): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await submitSignIn(page, account);
  await expect.poll(() => pathAndQuery(page)).toBe(next);
  expect(await page.getByTestId('user-name').textContent()).toBe(account.name);
}

export function pathAndQuery(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** A JSON request from inside the page: same cookie, and the session's anti-forgery token on writes. */
export async function fetchFromPage(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; contentType: string | null; text: string }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (method !== 'GET') {
        const me = (await (await fetch('/api/auth/me', { headers: { Accept: 'application/json' } })).json()) as { csrfToken: string | null };
        if (me.csrfToken) headers['X-CSRF-Token'] = me.csrfToken;
      }
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(url, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: response.status, body: parsed, contentType: response.headers.get('content-type'), text };
    },
    { method, url, body },
  );
}
