import { GraphQLError } from 'graphql';
import { ForbiddenError, hasScope, InputError, Principal, Scope } from '@ledger/domain';
import type { Authentication } from '@ledger/auth';

export interface GraphqlContext {
  auth: Authentication;
}

/**
 * The caller, if its key is valid and has the scope (any valid key when `scope` is null);
 * otherwise a GraphQL error clients can act on.
 */
export function requireScope(context: GraphqlContext, scope: Scope | null): Principal {
  const { auth } = context;
  if (!auth.ok) {
    const message = auth.reason === 'missing' ? 'missing bearer token: send Authorization: Bearer <key>' : 'unknown or revoked API key';
    throw new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
  if (scope !== null && !hasScope(auth.principal, scope)) {
    throw new GraphQLError(`this key lacks the ${scope} scope`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  }
  return auth.principal;
}

/** Runs a service call, turning domain errors into GraphQL errors (anything else stays masked). */
export async function asGraphql<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
    if (error instanceof ForbiddenError) throw new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN' } });
    throw error;
  }
}
