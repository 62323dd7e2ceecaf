/**
 * The early start of the first page (issue 14, the slow-link goals): a tiny script, loaded async
 * beside the app's bundle, that starts what the page at the address will need while the bundle is
 * still coming over the link: the chunks of its lazily loaded page (modulepreload, no waterfall of
 * chunks after the bundle ran), the interface texts of the user's language, and the API answers its first render reads (fetched once; the app's
 * getJson takes them, web/src/api.ts). At 256 kbit/s and 800 ms of latency that saves a round trip
 * for the answers and one for the chunks.
 *
 * Written at build time, because the chunks' names carry their hash: this plugin reads them from
 * the bundle, writes `assets/early-start-<hash>.js` (a file of the app, so the CSP's 'self' allows
 * it, it is cached for good and precached by the service worker) and adds it to index.html.
 * Only the plain address is guessed (no query): the pages read their state from the query, and a
 * wrong guess costs bytes the link cannot spare.
 */
import { createHash } from 'node:crypto';
import type { OutputBundle, OutputChunk } from 'rolldown';
import type { Plugin } from 'vite';

interface EarlyRoute {
  /** Of the pathname; `$1`… in `api` are its groups, encoded as the app encodes them. */
  path: string;
  /** The page's module (lazily loaded in web/src/App.tsx), if not in the bundle. */
  page?: string;
  /** The URLs its first render reads, exactly as the page asks for them. */
  api: string[];
}

/** Keep in step with web/src/App.tsx (routes) and each page's first useApi calls. */
const ROUTES: EarlyRoute[] = [
  { path: '^/(?:plans/?)?$', api: ['/api/plans'] },
  { path: '^/plans/([^/]+)$', page: 'web/src/plans/PlanPage.tsx', api: ['/api/plans/$1'] },
  {
    path: '^/displacement/(?!import$|rounds$)([^/]+)$',
    page: 'web/src/displacement/OperationDashboard.tsx',
    api: ['/api/dtm/operations/$1', '/api/dtm/operations/$1/summary', '/api/dtm/operations/$1/trend', '/api/dtm/operations/$1/admin?level=1'],
  },
];

/** Every page asks who is signed in (web/src/session.tsx, ME_URL). */
const ALWAYS = ['/api/auth/me'];

/**
 * The script, ES2017 with no dependency. Its language guess follows web/src/i18n.ts (the saved
 * choice, then the browser's first French or English language, else English): the answer is
 * kept by the service worker under that Accept-Language.
 */
function script(routes: { path: string; modules: string[]; api: string[] }[], texts: Record<'fr' | 'en', string[]>): string {
  return `(function () {
  var routes = ${JSON.stringify(routes)};
  var always = ${JSON.stringify(ALWAYS)};
  var texts = ${JSON.stringify(texts)};
  if (location.search !== '') return;
  var route = null, match = null;
  for (var i = 0; i < routes.length && match === null; i++) {
    match = new RegExp(routes[i].path).exec(location.pathname);
    if (match !== null) route = routes[i];
  }
  var lang = null;
  try { lang = localStorage.getItem('liptako.lang'); } catch (e) { lang = null; }
  if (lang !== 'fr' && lang !== 'en') {
    lang = 'en';
    var wanted = navigator.languages || [navigator.language];
    for (var k = 0; k < wanted.length; k++) {
      var primary = String(wanted[k]).slice(0, 2).toLowerCase();
      if (primary === 'fr' || primary === 'en') { lang = primary; break; }
    }
  }
  var preload = function (href) {
    var link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.appendChild(link);
  };
  texts[lang].forEach(preload);
  var early = {};
  var fetchEarly = function (url) {
    var pending = fetch(url, { headers: { Accept: 'application/json', 'Accept-Language': lang } });
    pending.catch(function () {});
    early[url] = pending;
  };
  always.forEach(fetchEarly);
  if (route !== null) {
    route.modules.forEach(preload);
    route.api.forEach(function (url) {
      fetchEarly(url.replace(/\\$(\\d)/g, function (_, group) {
        try { return encodeURIComponent(decodeURIComponent(match[Number(group)])); } catch (e) { return encodeURIComponent(match[Number(group)]); }
      }));
    });
  }
  window.__liptakoEarly = early;
})();
`;
}

/** The chunk of `module` and every chunk it imports statically, as absolute URLs. */
function chunkFiles(bundle: OutputBundle, module: string): string[] {
  const chunks = Object.values(bundle).filter((output): output is OutputChunk => output.type === 'chunk');
  const page = chunks.find((chunk) => chunk.facadeModuleId?.replaceAll('\\', '/').endsWith(module));
  if (page === undefined) throw new Error(`early start: no chunk for ${module} (was the route's page renamed?)`);
  const files = new Set<string>();
  const visit = (fileName: string): void => {
    if (files.has(fileName)) return;
    files.add(fileName);
    const chunk = bundle[fileName];
    if (chunk?.type === 'chunk') chunk.imports.forEach(visit);
  };
  visit(page.fileName);
  return [...files].map((fileName) => `/${fileName}`);
}

export function earlyStart(): Plugin {
  return {
    name: 'liptako-early-start',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const routes = ROUTES.map((route) => ({ path: route.path, modules: route.page === undefined ? [] : chunkFiles(bundle, route.page), api: route.api }));
        // The interface texts of the guessed language (web/src/i18n.ts loads them before the first render).
        const texts = { fr: chunkFiles(bundle, 'web/src/locales/fr.ts'), en: chunkFiles(bundle, 'web/src/locales/en.ts') };
        const source = script(routes, texts);
        const fileName = `assets/early-start-${createHash('sha256').update(source).digest('hex').slice(0, 10)}.js`;
        this.emitFile({ type: 'asset', fileName, source });
        const page = bundle['index.html'];
        if (page?.type !== 'asset') throw new Error('early start: no index.html in the bundle');
        const html = String(page.source);
        const at = html.indexOf('<script type="module"');
        if (at < 0) throw new Error("early start: no module script in index.html");
        page.source = `${html.slice(0, at)}<script async src="/${fileName}"></script>\n    ${html.slice(at)}`;
      },
    },
  };
}
