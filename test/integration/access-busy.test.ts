/**
 * A crowd of sign-ins must not starve the server: Argon2 (64 MiB each in production) runs a
 * bounded number at a time, a bounded queue waits, and beyond it the caller is told to come
 * back (503 with Retry-After) instead of piling up memory and threads.
 */
import argon2 from 'argon2';
import { afterEach, expect, it, vi } from 'vitest';
import { describeEachDatabase, TEST_PASSWORD } from '../support/harness.js';
import { emailOf, freshAddress } from '../support/access.js';
import { send } from '../support/http.js';

// Verifications wait at a gate the test opens, so "busy" is a state, not a race against the clock.
const gate = vi.hoisted(() => {
  let open: () => void = () => undefined;
  let promise = Promise.resolve();
  return {
    close(): void {
      promise = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    open: (): void => open(),
    wait: (): Promise<void> => promise,
  };
});
vi.mock('argon2', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import('argon2') }>()).default;
  return {
    default: {
      ...real,
      verify: vi.fn(async (hash: string, password: string) => {
        await gate.wait();
        return real.verify(hash, password);
      }),
    },
  };
});

describeEachDatabase(
  'concurrent password hashing',
  (context) => {
    afterEach(() => gate.open());

    it('runs one verification at a time here, queues one, and answers 503 with Retry-After beyond the queue', async () => {
      // The suite runs once per database in this file: count this run's verifications only.
      vi.mocked(argon2.verify).mockClear();
      gate.close();
      const signIn = (language = 'en') =>
        send(context.as('anonymous'), 'POST', '/api/auth/sign-in', { payload: { email: emailOf('viewer'), password: TEST_PASSWORD }, remoteAddress: freshAddress(), headers: { 'accept-language': language } });
      const running = signIn();
      const queued = signIn();
      await vi.waitFor(() => expect(vi.mocked(argon2.verify)).toHaveBeenCalledTimes(1));
      const refused = await signIn();
      expect(refused.statusCode).toBe(503);
      expect(refused.body.error!.code).toBe('server.busy');
      expect(refused.body.error!.message).toBe('The server is busy checking passwords; try again in a few seconds.');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await signIn('fr')).body.error!.message).toBe('Le serveur est occupé à vérifier des mots de passe ; réessayez dans quelques secondes.');
      expect(vi.mocked(argon2.verify)).toHaveBeenCalledTimes(1);

      gate.open();
      expect((await running).statusCode).toBe(200);
      expect((await queued).statusCode).toBe(200);
      expect((await signIn()).statusCode).toBe(200);
    });
  },
  { build: { passwordHashing: { concurrent: 1, queue: 1 } } },
);
