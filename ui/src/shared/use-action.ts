/** Runs one server call for a button or form: busy while in flight, the server's message on failure. */
import { useCallback, useState } from 'preact/hooks';
import { errorMessage } from './api';

export function useAction(): {
  busy: boolean;
  error: string | null;
  setError(error: string | null): void;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(action: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(errorMessage(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
