import { api } from '../api';
import { ErrorNotice, Loading } from '../components/notice';
import { StatusBadge } from '../components/status-badge';
import { ExactTime } from '../components/time';
import { useResource } from '../hooks/use-resource';
import { paths } from '../routes';
import type { ApiKey } from '../keys/types';

/** How often the cutover view reads both keys again. */
export const CUTOVER_REFRESH_MS = 5000;

async function loadPair(oldKey: string, newKey: string, signal: AbortSignal): Promise<Array<{ role: string; id: string; key: ApiKey | null }>> {
  const one = (id: string) =>
    api.get<ApiKey>(`/iam/v2/api-keys/${encodeURIComponent(id)}`, undefined, signal).catch((error: unknown) => {
      // A rotated-out key that was deleted: the cutover is over.
      if (error instanceof Error && 'status' in error && (error as { status: number }).status === 404) return null;
      throw error;
    });
  const [before, after] = await Promise.all([one(oldKey), one(newKey)]);
  return [
    { role: 'Old key', id: oldKey, key: before },
    { role: 'New key', id: newKey, key: after },
  ];
}

/**
 * The rotation's cutover, watched: the old and the new key side by side with their `last_used`, read
 * again every few seconds, so one sees applications move to the new key before the old one goes.
 */
export function Cutover({ oldKey, newKey }: { oldKey: string; newKey: string }) {
  const pair = useResource((signal) => loadPair(oldKey, newKey, signal), [oldKey, newKey], CUTOVER_REFRESH_MS);
  return (
    <div class="cutover">
      <ErrorNotice error={pair.error} />
      {pair.data === undefined ? (
        <Loading label="Reading both keys…" />
      ) : (
        <div class="table-wrap">
          <table class="data-table">
            <caption>
              Cutover from {oldKey} to {newKey} (refreshed every {CUTOVER_REFRESH_MS / 1000} s)
            </caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {pair.data.map(({ role, id, key }) => (
                <tr key={role}>
                  <td data-label="Key">
                    <span>
                      <strong>{role}</strong>{' '}
                      <a class="mono" href={paths.apiKey(id)}>
                        {id}
                      </a>
                    </span>
                  </td>
                  <td data-label="Status">{key === null ? 'deleted' : <StatusBadge status={key.spec.state} />}</td>
                  <td data-label="Last used" aria-live="polite">
                    {key === null ? '—' : <ExactTime time={key.spec.last_used} />}
                  </td>
                  <td data-label="Expires">{key === null ? '—' : <ExactTime time={key.spec.expires_at} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint">When the new key's last use keeps moving and the old key's stops, the applications have moved.</p>
    </div>
  );
}
