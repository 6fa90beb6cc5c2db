import { useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router } from 'preact-iso';
import { onSessionEnded } from './api';
import { Layout } from './components/layout';
import { ErrorNotice, Loading } from './components/notice';
import { Page } from './components/page';
import { AccessPage } from './pages/access';
import { ApiKeyPage } from './pages/api-key';
import { ApiKeysPage } from './pages/api-keys';
import { AuditPage } from './pages/audit';
import { KafkaPage } from './pages/kafka';
import { LoginPage } from './pages/login';
import { OverviewPage } from './pages/overview';
import { PrincipalPage } from './pages/principal';
import { PrincipalsPage } from './pages/principals';
import { BASE } from './routes';
import { currentSession, logout, SessionContext, type Session } from './session';

function NotFound() {
  return (
    <Page title="Not found">
      <p>
        No console page here. <a href={`${BASE}/`}>Go to the overview</a>.
      </p>
    </Page>
  );
}

type State = { phase: 'loading' } | { phase: 'failed'; error: unknown } | { phase: 'signed-out'; ended: boolean } | { phase: 'signed-in'; session: Session };

/** The console: asks for the live session, shows the login page without one, the pages with one. */
export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  useEffect(() => {
    onSessionEnded(() => setState({ phase: 'signed-out', ended: true }));
    currentSession().then(
      (session) => setState(session === null ? { phase: 'signed-out', ended: false } : { phase: 'signed-in', session }),
      (error: unknown) => setState({ phase: 'failed', error }),
    );
  }, []);

  if (state.phase === 'loading') return <Loading label="Loading the console…" />;
  if (state.phase === 'failed') return <ErrorNotice error={state.error} title="The console cannot start" />;
  if (state.phase === 'signed-out') return <LoginPage ended={state.ended} onSignedIn={(session) => setState({ phase: 'signed-in', session })} />;
  const context = {
    session: state.session,
    /** Shows the login page once the session has ended; a failure (the session may still be open) rejects to the caller. */
    async logout() {
      await logout();
      setState({ phase: 'signed-out', ended: false });
    },
  };
  return (
    <SessionContext.Provider value={context}>
      <LocationProvider scope={BASE}>
        <ErrorBoundary>
          <Layout>
            <Router>
              <Route path={`${BASE}/`} component={OverviewPage} />
              <Route path={BASE} component={OverviewPage} />
              <Route path={`${BASE}/api-keys`} component={ApiKeysPage} />
              <Route path={`${BASE}/api-keys/:id`} component={ApiKeyPage} />
              <Route path={`${BASE}/principals`} component={PrincipalsPage} />
              <Route path={`${BASE}/principals/:kind/:id`} component={PrincipalPage} />
              <Route path={`${BASE}/access`} component={AccessPage} />
              <Route path={`${BASE}/audit`} component={AuditPage} />
              <Route path={`${BASE}/kafka`} component={KafkaPage} />
              <Route default component={NotFound} />
            </Router>
          </Layout>
        </ErrorBoundary>
      </LocationProvider>
    </SessionContext.Provider>
  );
}
