/**
 * What knowing the caller costs per request: one statement reads the credential, its user and
 * their roles; the last use is written at most once a minute, not on every request.
 */
import { expect, it, vi } from 'vitest';
import { authenticate } from '../../src/access/service.js';
import { signIn } from '../support/access.js';
import { describeEachDatabase } from '../support/harness.js';

describeEachDatabase('authentication cost', (context) => {
  /** Statements sent while `work` runs, and its result. */
  const counted = async <T>(work: () => Promise<T>): Promise<{ statements: number; result: T }> => {
    const spies = [vi.spyOn(context.db, 'query'), vi.spyOn(context.db, 'exec'), vi.spyOn(context.db, 'transaction')];
    try {
      const result = await work();
      return { statements: spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0), result };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  };

  it('knows a token’s holder and roles in one statement, and records its use once a minute', async () => {
    const bearerToken = context.tokenOf('imOfficerMali');
    await context.db.query('UPDATE api_token SET last_used_at = NULL');
    const first = await counted(() => authenticate(context.db, { bearerToken }));
    expect(first.statements).toBe(2);
    expect(first.result).toMatchObject({ kind: 'user', via: 'token', assignments: [{ role: 'im-officer', scope: { kind: 'country', value: 'ML' } }] });
    const [row] = await context.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_token WHERE last_used_at IS NOT NULL');
    expect(row).toBeDefined();
    const again = await counted(() => authenticate(context.db, { bearerToken }));
    expect(again.statements).toBe(1);
    expect(again.result).toEqual(first.result);
    // A minute later, written again.
    await context.db.query("UPDATE api_token SET last_used_at = now() - interval '61 seconds'");
    expect((await counted(() => authenticate(context.db, { bearerToken }))).statements).toBe(2);
    // Revoked: refused in the same one statement.
    await context.db.query('UPDATE api_token SET revoked_at = now()');
    const revoked = await counted(() => authenticate(context.db, { bearerToken }));
    expect(revoked).toEqual({ statements: 1, result: 'invalid-token' });
  });

  it('knows a session’s holder in one statement; idle sessions still end', async () => {
    const session = await signIn(context.as('anonymous'), 'viewer');
    const known = await counted(() => authenticate(context.db, { sessionToken: session.secret }));
    expect(known.statements).toBe(1);
    expect(known.result).toMatchObject({ kind: 'user', via: 'session', email: 'viewer@test.liptako.org', csrfToken: session.csrfToken });
    await context.db.query("UPDATE user_session SET last_seen_at = now() - interval '13 hours'");
    expect((await authenticate(context.db, { sessionToken: session.secret })) as { kind: string }).toMatchObject({ kind: 'anonymous' });
  });
});
