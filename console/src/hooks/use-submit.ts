import { useCallback, useRef, useState } from 'preact/hooks';

export interface Submit {
  busy: boolean;
  error: unknown;
  setError(error: unknown): void;
  run(action: () => Promise<void>): Promise<void>;
}

/**
 * A form's submit state: `run(action)` sets `busy`, clears `error`, awaits the action and keeps
 * what it threw in `error`, then clears `busy`. A second `run` while one is under way is ignored.
 */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const running = useRef(false);
  const run = useCallback(async (action: () => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
