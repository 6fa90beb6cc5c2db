import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { NAVIGATION, paths } from '../routes';
import { useSession } from '../session';
import { useSubmit } from '../hooks/use-submit';
import { ErrorNotice } from './notice';

function isCurrent(path: string, current: string): boolean {
  if (path === paths.overview) return current === paths.overview || current === '/console';
  return current === path || current.startsWith(`${path}/`);
}

/** The signed-in console: a skip link, the navigation, who is signed in, and the page. */
export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const { session, logout } = useSession();
  const { busy, error, run } = useSubmit();
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={paths.overview}>
          keyward
        </a>
        <nav aria-label="Main" class="nav">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.path}>
                <a href={item.path} aria-current={isCurrent(item.path, path) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="whoami">
          <span class="principal" title="Signed in as">
            {session.principal}
          </span>
          <button type="button" class="button button-small" disabled={busy} onClick={() => void run(logout)}>
            {busy ? 'Logging out…' : 'Log out'}
          </button>
        </div>
      </header>
      {error !== null && (
        <div class="logout-error">
          <ErrorNotice error={error} title="Not logged out: the session is still open" />
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
