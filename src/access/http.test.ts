import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Database } from '../core/db.js';
import { canonicalPath, looksLikeApiUrl } from '../core/http-kit.js';
import { installAccessControl } from './http.js';

describe('canonicalPath', () => {
  it.each([
    ['/api/users', '/api/users'],
    ['/%61pi/users', '/api/users'],
    ['/%2561pi/users', '/api/users'],
    ['/API//Users/', '/api/users'],
    ['/x/../api/./users', '/api/users'],
    ['/x/%2E%2E/api/users', '/api/users'],
    ['/api%2Fusers', '/api/users'],
    ['/api\\users', '/api/users'],
    ['/api;jsessionid=1/users;x', '/api/users'],
    ['/api/users%3Fa=1', '/api/users'],
    ['/api/users?x=/../y', '/api/users'],
    ['/../../api', '/api'],
    ['/%E0%A4%A/api', '/\u00e0\u00a4%a/api'],
  ])('reads %s as %s', (url, expected) => {
    expect(canonicalPath(url)).toBe(expected);
  });

  it('tells API-looking addresses from pages of the web app', () => {
    for (const url of ['/api', '/%61pi/x', '/HAPI/v2', '/dtm/', '//dtm/v3/x', '/.%2e/hapi/x']) expect(looksLikeApiUrl(url), url).toBe(true);
    for (const url of ['/', '/geography', '/plans/IOM-CSAHEL-2021', '/apiary', '/assets/index-abc.js', '/dtmx']) expect(looksLikeApiUrl(url), url).toBe(false);
  });
});

describe('the guard at registration', () => {
  // Registration needs no database: a stand-in that fails if anything asks it.
  const db = new Proxy({}, { get: () => { throw new Error('no database at registration'); } }) as Database;

  it('refuses a write that names no action in the domain, and accepts it once named', async () => {
    const app = Fastify();
    installAccessControl(app, db);
    expect(() => app.post('/api/things', { config: { verb: 'plan.edit' } }, () => ({}))).toThrow(/names no action/);
    expect(() => app.delete('/api/things/:id', { config: { verb: 'plan.edit', audit: 'thing.delete' } }, () => ({}))).not.toThrow();
    // Reads and sign-in (public: it records every attempt itself) need none.
    expect(() => app.get('/api/things', { config: { verb: 'plan.read' } }, () => ({}))).not.toThrow();
    expect(() => app.post('/api/sign-in-like', { config: { verb: 'public' } }, () => ({}))).not.toThrow();
    await app.close();
  });
});
