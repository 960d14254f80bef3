export type ListenerSnapshot = Map<string, Set<(...args: unknown[]) => void>>;
const WATCHED_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

/**
 * Emscripten's Node glue installs `uncaughtException` / `unhandledRejection` handlers that
 * rethrow; they would turn every later unhandled rejection in the host program (or a test
 * runner) into a crash. These two functions remove whatever a load added.
 */
export function snapshotProcessListeners(): ListenerSnapshot {
  const snapshot: ListenerSnapshot = new Map();
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (typeof proc?.listeners !== 'function') return snapshot;
  for (const event of WATCHED_EVENTS) {
    snapshot.set(
      event,
      new Set(proc.listeners(event as 'uncaughtException') as Array<(...args: unknown[]) => void>),
    );
  }
  return snapshot;
}

export function restoreProcessListeners(snapshot: ListenerSnapshot): void {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (typeof proc?.listeners !== 'function') return;
  for (const [event, before] of snapshot) {
    for (const listener of proc.listeners(event as 'uncaughtException')) {
      if (!before.has(listener as (...args: unknown[]) => void)) {
        proc.removeListener(event as 'uncaughtException', listener);
      }
    }
  }
}
