/** A request that cannot be carried out as asked; its message is safe and useful to show the caller. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The caller's key does not allow the operation. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Refuses a query window [from, to) that is empty, reversed or longer than `maxDays`. */
export function checkWindow(from: Date, to: Date, maxDays: number): void {
  if (!(from.getTime() < to.getTime())) throw new InputError('"from" must be before "to"');
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) throw new InputError(`the window may span at most ${maxDays} days`);
}
