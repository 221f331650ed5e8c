/**
 * Sends what is queued when the process ends, without changing how it ends.
 *
 * - `beforeExit` (the event loop ran dry): close every open client; their
 *   requests keep the loop alive until they are answered.
 * - SIGTERM / SIGINT: a listener replaces Node's default "exit at once", so a
 *   library must not simply listen. When no one else listens, the clients
 *   flush for a short time, then the signal is raised again with our listener
 *   gone: the process dies of it as it would have (exit code 128+n, a
 *   supervisor sees the signal). When the application has its own listener,
 *   it owns the shutdown: the clients flush, and the application should
 *   `await client.close()` before it exits. A second Ctrl-C while flushing
 *   kills at once: the listener is removed as the first signal arrives.
 *
 * One registry for every client of the process, so two clients do not each
 * see the other's listener as "the application's" and both wait forever.
 */

export interface ExitParticipant {
  /** sends what is queued, giving up after `timeoutMs`; resolves when done */
  closeWithin(timeoutMs: number): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** how long a signal waits for the queued events: supervisors escalate to SIGKILL after ~10 s */
const SIGNAL_FLUSH_MS = 2_000;

const participants = new Set<ExitParticipant>();
const signalListeners = new Map<NodeJS.Signals, () => void>();

export function registerForExit(participant: ExitParticipant): void {
  participants.add(participant);
  if (participants.size === 1) install();
}

export function unregisterForExit(participant: ExitParticipant): void {
  participants.delete(participant);
  if (participants.size === 0) uninstall();
}

function install(): void {
  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) {
    const listener = () => onSignal(signal);
    signalListeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function uninstall(): void {
  process.off('beforeExit', onBeforeExit);
  removeSignalListeners();
}

function removeSignalListeners(): void {
  for (const [signal, listener] of signalListeners) process.off(signal, listener);
  signalListeners.clear();
}

function onBeforeExit(): void {
  // closeWithin unregisters each client: beforeExit fires again once they are done, and finds none
  for (const participant of [...participants]) void participant.closeWithin(Number.POSITIVE_INFINITY);
}

function onSignal(signal: NodeJS.Signals): void {
  const applicationListens = process.listenerCount(signal) > 1;
  removeSignalListeners();
  const all = [...participants].map((participant) => participant.closeWithin(SIGNAL_FLUSH_MS));
  void Promise.allSettled(all).then(() => {
    if (!applicationListens && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}
