/**
 * Who is signed in. The session itself is an HttpOnly cookie the console never sees; what it keeps
 * is the user, the role (to hide what the role may not do; the API decides regardless) and the
 * CSRF token every state-changing request sends.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, setCsrfToken, setUnauthorizedHandler } from '../api/client.js';
import type { AdminRole, SessionAnswer, SessionUser } from '../api/types.js';

interface SessionState {
  /** undefined while the first probe runs; null when signed out. */
  readonly user: SessionUser | null | undefined;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  can(role: AdminRole): boolean;
}

const SessionContext = createContext<SessionState | undefined>(undefined);
const ORDER: readonly AdminRole[] = ['viewer', 'operator', 'admin'];

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);

  const accept = useCallback((answer: SessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setUser(answer.user);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(undefined);
      setUser(null);
    });
    api
      .get<SessionAnswer>('/session', { expectUnauthorized: true })
      .then(accept)
      .catch(() => setUser(null));
    return () => setUnauthorizedHandler(undefined);
  }, [accept]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      accept(await api.post<SessionAnswer>('/session', { username, password }, { expectUnauthorized: true }));
    },
    [accept],
  );

  const signOut = useCallback(async () => {
    try {
      await api.delete('/session', undefined, { expectUnauthorized: true });
    } catch (error) {
      // A session that already ended is signed out all the same.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    } finally {
      setCsrfToken(undefined);
      setUser(null);
    }
  }, []);

  const value = useMemo<SessionState>(
    () => ({
      user,
      signIn,
      signOut,
      can: (role) => user != null && ORDER.indexOf(user.role) >= ORDER.indexOf(role),
    }),
    [user, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession outside SessionProvider');
  return value;
}
