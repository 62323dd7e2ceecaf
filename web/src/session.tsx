/**
 * Who is signed in, and what they may do. Loads `/api/auth/me` once at start, keeps the
 * anti-forgery token for api.ts, and offers sign-in and sign-out. Components ask `can(verb)` to
 * hide what the user's role does not allow (the server decides anyway).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, getJson, sendJson, setAuthRequiredListener, setCsrfRefresher, setCsrfToken } from './api.js';
import type { Language } from '../../src/shared/format.js';
import { applyAccountLanguage } from './i18n.js';
import { clearApiCache } from './useApi.js';
import { forgetCachedAnswers } from './offline.js';

export type ScopeKind = 'response' | 'country' | 'organisation';

export interface Assignment {
  role: string;
  scope: { kind: ScopeKind; value: string | null };
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  language: Language;
  organisationId: number | null;
  assignments: Assignment[];
}

/** GET /api/auth/me and POST /api/auth/sign-in. */
export interface MeResponse {
  user: SessionUser | null;
  csrfToken: string | null;
  verbs: string[];
}

export const ME_URL = '/api/auth/me';

export interface Session {
  /** 'loading' until /api/auth/me answers; 'error' when it could not be read (offline). */
  status: 'loading' | 'ready' | 'error';
  user: SessionUser | null;
  /** Every verb the user has somewhere (anonymous: the public role's). */
  verbs: readonly string[];
  csrfToken: string | null;
  /** The server answered `auth.required` while we thought the user was signed in. */
  expired: boolean;
  /** Changes at each sign-in and sign-out: pages keyed on it start afresh for the new user. */
  generation: number;
  can: (verb: string) => boolean;
  signIn: (email: string, password: string) => Promise<SessionUser | null>;
  signOut: (everywhere?: boolean) => Promise<void>;
  /** Reads /api/auth/me again (after a profile change, for instance). */
  refresh: () => Promise<void>;
  dismissExpired: () => void;
}

interface State {
  status: Session['status'];
  user: SessionUser | null;
  verbs: readonly string[];
  csrfToken: string | null;
  expired: boolean;
  generation: number;
}

const INITIAL: State = { status: 'loading', user: null, verbs: [], csrfToken: null, expired: false, generation: 0 };

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>(INITIAL);
  // The signed-in user's id, for callbacks that run outside React's render (api.ts hooks).
  const userId = useRef<number | null>(null);

  /** Takes an answer of /api/auth/me or sign-in; `fresh`: a new session begins (or ends). */
  const accept = useCallback((me: MeResponse, fresh: boolean) => {
    setCsrfToken(me.csrfToken);
    const changed = (me.user?.id ?? null) !== userId.current;
    userId.current = me.user?.id ?? null;
    if (fresh || changed) clearApiCache();
    if (me.user) applyAccountLanguage(me.user.language);
    setState((previous) => ({
      status: 'ready',
      user: me.user,
      verbs: me.verbs,
      csrfToken: me.csrfToken,
      expired: false,
      // The first answer changes nothing for the pages: their requests carried the cookie already.
      generation: fresh || (changed && previous.status !== 'loading') ? previous.generation + 1 : previous.generation,
    }));
  }, []);

  useEffect(() => {
    let cancelled = false;
    getJson<MeResponse>(ME_URL).then(
      (me) => {
        if (!cancelled) accept(me, false);
      },
      () => {
        if (!cancelled) setState((previous) => ({ ...previous, status: 'error' }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [accept]);

  useEffect(() => {
    setCsrfRefresher(async () => {
      const before = userId.current;
      const me = await getJson<MeResponse>(ME_URL);
      accept(me, false);
      // Someone else signed in from another tab: never send this page's write as them.
      return before !== null && me.user?.id === before ? me.csrfToken : null;
    });
    setAuthRequiredListener(() => {
      if (userId.current === null) return;
      setState((previous) => (previous.user && !previous.expired ? { ...previous, expired: true } : previous));
    });
    return () => {
      setCsrfRefresher(null);
      setAuthRequiredListener(null);
    };
  }, [accept]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const me = await sendJson<MeResponse>('POST', '/api/auth/sign-in', { email, password });
      accept(me, true);
      return me.user;
    },
    [accept],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      try {
        await sendJson<unknown>('POST', '/api/auth/sign-out', { everywhere });
      } catch (error) {
        // Already signed out (session ended meanwhile): carry on as if it had worked.
        if (!(error instanceof ApiError && error.status === 401)) throw error;
      }
      setCsrfToken(null);
      userId.current = null;
      // What this person's pages fetched stays on this computer for offline use: not after they leave.
      await forgetCachedAnswers();
      let me: MeResponse;
      try {
        me = await getJson<MeResponse>(ME_URL);
      } catch {
        me = { user: null, csrfToken: null, verbs: [] };
      }
      accept(me, true);
    },
    [accept],
  );

  const refresh = useCallback(async () => {
    accept(await getJson<MeResponse>(ME_URL), false);
  }, [accept]);

  const dismissExpired = useCallback(() => setState((previous) => ({ ...previous, expired: false })), []);

  const value = useMemo<Session>(() => {
    const verbs = new Set(state.verbs);
    return { ...state, can: (verb: string) => verbs.has(verb), signIn, signOut, refresh, dismissExpired };
  }, [state, signIn, signOut, refresh, dismissExpired]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionProvider> above it');
  return session;
}
