/**
 * Waiting on conditions instead of sleeping "long enough": a check is polled until it holds,
 * with a generous overall timeout (a busy 2-core machine may be many times slower than a
 * laptop) that fails with a message naming what was awaited. The poll interval is only how
 * often the condition is looked at; nothing depends on it.
 */
export interface WaitOptions {
  /** What is awaited, for the error message ("the worker to fold the early events"). */
  what: string;
  /** Overall limit; generous on purpose. */
  timeoutMs?: number;
  /** How often the condition is checked. */
  intervalMs?: number;
  /** Extra detail for the error message (the last state seen, say). */
  detail?: () => string;
}

export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, options: WaitOptions): Promise<T> {
  const { what, timeoutMs = 60_000, intervalMs = 20, detail } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? ` (${detail()})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves or rejects as `promise` does, or rejects with a clear message once `timeoutMs` has passed. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
