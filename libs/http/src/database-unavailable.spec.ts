import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '57P03', message: 'the database system is shutting down' }],
    [{ code: '08006', message: 'connection failure' }],
    [new Error('Connection terminated unexpectedly')],
    [new Error('timeout exceeded when trying to connect')],
    [Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }]), { message: '' })],
  ])('recognises %p as the database being unreachable', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }],
    [{ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }],
    [new Error('Cannot read properties of undefined')],
    [null],
    ['ECONNREFUSED'],
  ])('does not take %p for an unreachable database', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
