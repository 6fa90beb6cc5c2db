import { CopyButton } from './copy-button';

/** The warning shown with a new secret, as the CLI prints it (DESIGN §2). */
export const SECRET_WARNING = 'Save the API key and secret. The secret is not retrievable later.';

/**
 * A new API key and its secret, shown once with copy buttons and the warning. The secret lives only in
 * the state of the dialog that shows it, which clears it when it closes.
 */
export function SecretBox({ apiKey, secret }: { apiKey: string; secret: string }) {
  return (
    <div class="secret-result">
      <p class="notice notice-warning" role="alert">
        <strong>{SECRET_WARNING}</strong>
      </p>
      <p class="secret-label" id={`secret-key-${apiKey}`}>API key</p>
      <div class="secret-box" aria-labelledby={`secret-key-${apiKey}`} role="group">
        <code>{apiKey}</code>
        <CopyButton text={apiKey} label={`Copy API key ${apiKey}`} />
      </div>
      <p class="secret-label" id={`secret-value-${apiKey}`}>API secret</p>
      <div class="secret-box" aria-labelledby={`secret-value-${apiKey}`} role="group">
        <code data-testid="api-secret">{secret}</code>
        <CopyButton text={secret} label="Copy API secret" />
      </div>
    </div>
  );
}
