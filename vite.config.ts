import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA, type VitePWAOptions } from 'vite-plugin-pwa';
import { earlyStart } from './vite-early-start.js';

type RuntimeCaching = NonNullable<NonNullable<VitePWAOptions['workbox']>['runtimeCaching']>[number];

// Serialised into the service worker as its source text: self-contained, no closure. A saved
// answer carries the date it was received, which the pages show ("saved on …").
const markSavedAnswer = async ({ cachedResponse }: { cachedResponse?: Response }): Promise<Response | undefined> => {
  if (!cachedResponse) return cachedResponse;
  const headers = new Headers(cachedResponse.headers);
  headers.set('x-liptako-offline', cachedResponse.headers.get('date') ?? '');
  return new Response(await cachedResponse.blob(), { status: cachedResponse.status, statusText: cachedResponse.statusText, headers });
};

// Answers the pages read offline: from the network when it answers within 8 s (on a link that
// stalls, the saved answer is shown rather than a spinner), else the saved one, marked.
function savedAnswers(options: {
  cacheName: string;
  urlPattern: Extract<RuntimeCaching['urlPattern'], (...args: never[]) => unknown>;
  maxEntries: number;
  maxAgeDays: number;
}): RuntimeCaching {
  return {
    urlPattern: options.urlPattern,
    handler: 'NetworkFirst',
    options: {
      cacheName: options.cacheName,
      networkTimeoutSeconds: 8,
      expiration: { maxEntries: options.maxEntries, maxAgeSeconds: 60 * 60 * 24 * options.maxAgeDays },
      cacheableResponse: { statuses: [200] },
      plugins: [{ cachedResponseWillBeUsed: markSavedAnswer }],
    },
  };
}

// The web app lives in web/ and is built into dist/web, which the server serves.
export default defineConfig({
  root: 'web',
  plugins: [
    react(),
    // Before the service worker's plugin: the early-start script is a file of the build it precaches.
    earlyStart(),
    // Offline (issue 14): the built app is precached by a Workbox service worker, versioned by
    // the build, so a reload without a network still opens the app; a new build waits until the
    // user reloads (web/src/offline.ts says so). API answers the pages read are kept: from the
    // network when it answers, else from the cache, marked with their date.
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        navigateFallback: 'index.html',
        // Addresses the server answers itself: the API in every spelling, phones, fingerprinted files.
        navigateFallbackDenylist: [/^\/(api|hapi|dtm|v1|assets)(\/|$)/i],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        // ODK's form engine (the entry page's chunk, ~1.5 MB) is precached too: a form opened
        // online once can be filled offline.
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        runtimeCaching: [
          // Web form entry offline: the forms a user may fill (their list, XML and media) and the
          // collection page's lists of projects and forms. Never submissions (people's answers).
          savedAnswers({
            cacheName: 'liptako-forms',
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin &&
              request.method === 'GET' &&
              (/^\/v1\/projects\/\d+\/(formList|forms\/[^/]+\/(form\.xml|manifest|attachments\/[^/]+))$/.test(url.pathname) ||
                /^\/api\/collection\/projects(\/\d+\/forms)?$/.test(url.pathname)),
            maxEntries: 200,
            maxAgeDays: 60,
          }),
          // What the pages need to open offline: who is signed in, plans and funding, DTM figures,
          // geography, 4W dashboards. Never personal data (registry, users, audit), never writes.
          // The same addresses as SAVED_API in web/src/offline.ts (a page not yet controlled
          // keeps its answers itself): keep the two in step.
          savedAnswers({
            cacheName: 'liptako-api',
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin && request.method === 'GET' && /^\/api\/(auth\/me|plans|dtm|geo|response\/(dashboard|sectors|activities|organisations))(\/|$|\?)/.test(url.pathname + url.search),
            maxEntries: 300,
            maxAgeDays: 30,
          }),
        ],
      },
    }),
  ],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
