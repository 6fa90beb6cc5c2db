import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleSession } from '../../src/contract/index';
import { ApiError, request, setCsrfToken } from './api';

/** The console's session as the server describes it (DESIGN §10); the cookie itself is HttpOnly. */
export type Session = ConsoleSession;

const SESSIONS = '/keyward/v1/sessions';

/** The live session, or null when there is none (the login page is shown). */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await request<Session>('GET', `${SESSIONS}/current`, { expectUnauthenticated: true });
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof Error && 'status' in error && (error as { status: number }).status === 401) return null;
    throw error;
  }
}

/** Logs in with a cloud API key and its secret; the secret is sent once and kept nowhere. */
export async function login(key: string, secret: string): Promise<Session> {
  const session = await request<Session>('POST', SESSIONS, { body: { key, secret }, expectUnauthenticated: true });
  setCsrfToken(session.csrf_token);
  return session;
}

/** Ends the session; resolves once it has ended (also when it had ended already), rejects when it may still be open. */
export async function logout(): Promise<void> {
  try {
    await request<void>('DELETE', `${SESSIONS}/current`, { expectUnauthenticated: true });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
  setCsrfToken(null);
}

export interface SessionContextValue {
  session: Session;
  /** Ends the session on the server and shows the login page. */
  logout(): Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside the signed-in console');
  return value;
}
