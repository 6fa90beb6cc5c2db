import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Field } from '../components/field';
import { ErrorNotice } from '../components/notice';
import { login, type Session } from '../session';
import { useSubmit } from '../hooks/use-submit';

/**
 * Sign in with a cloud API key and its secret (`keyward server start` prints the first one). The secret
 * goes to the server once and is dropped from the form; the session is an HttpOnly cookie.
 */
export function LoginPage({ onSignedIn, ended }: { onSignedIn: (session: Session) => void; ended: boolean }) {
  const [key, setKey] = useState('');
  const [secret, setSecret] = useState('');
  const { busy, error, run } = useSubmit();

  async function submit(event: Event) {
    event.preventDefault();
    await run(async () => {
      try {
        const session = await login(key.trim(), secret);
        setSecret('');
        onSignedIn(session);
      } catch (failure) {
        setSecret('');
        throw failure instanceof ApiError && failure.status === 401 ? new Error('The API key or secret is not valid, or the key is not a cloud key.') : failure;
      }
    });
  }

  return (
    <main id="main" class="login">
      <form class="login-form" method="post" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to keyward</h1>
        <p class="hint">Use a cloud API key and its secret (an OrganizationAdmin's, or any cloud key: you see what its owner may see).</p>
        {ended && <p class="notice notice-warning" role="status">Your session ended. Sign in again.</p>}
        <ErrorNotice error={error} />
        <Field label="API key" id="login-key">
          <input id="login-key" name="username" autoComplete="username" value={key} onInput={(e) => setKey(e.currentTarget.value)} required spellcheck={false} autoFocus />
        </Field>
        <Field label="API secret" id="login-secret">
          <input id="login-secret" name="password" type="password" autoComplete="current-password" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} required />
        </Field>
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
