/** A request that cannot be carried out as asked; its message is safe and useful to show the caller. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The caller's key does not allow the operation. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}
