/**
 * Timers that do not keep a Node process alive by themselves: the client works in the
 * background and must not hold up a process that is otherwise done. Only an awaited
 * `flush()`/`close()` holds it open (see `holdOpen`). Elsewhere (browsers, Deno) timers have
 * no `unref` and nothing changes.
 */
export type Timer = ReturnType<typeof setTimeout>;

export function backgroundTimeout(callback: () => void, ms: number): Timer {
  const timer = setTimeout(callback, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = backgroundTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** Keeps a Node process alive until the returned function is called (a long, ordinary interval). */
export function holdOpen(): () => void {
  const interval = setInterval(() => {}, 60 * 60_000);
  return () => clearInterval(interval);
}
