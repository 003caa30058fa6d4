import { UnreadableEntry } from '@ledger/domain';
import { entriesFromBody, entriesFromNdjson } from './event-body';

describe('entriesFromBody', () => {
  it('takes the events array of a JSON body', () => {
    expect(entriesFromBody('application/json', { events: [{ id: 'a' }] })).toEqual({ ok: true, entries: [{ id: 'a' }] });
  });

  it.each([[null], [[{ id: 'a' }]], ['text']])('refuses %p: not a JSON object', (body) => {
    expect(entriesFromBody('application/json', body)).toEqual({ ok: false, message: expect.stringContaining('must be a JSON object') });
  });

  it.each([[{ event: [] }], [{ events: {} }]])('refuses %p: no events array', (body) => {
    expect(entriesFromBody('application/json', body)).toEqual({ ok: false, message: 'the body must have an "events" array' });
  });

  it('splits NDJSON into lines, skipping blank ones and flagging unreadable ones with their line number', () => {
    const entries = entriesFromNdjson('{"id":"a"}\n\n  \n{oops\r\n{"id":"b"}\r\n');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toEqual({ id: 'a' });
    expect(entries[1]).toBeInstanceOf(UnreadableEntry);
    expect((entries[1] as UnreadableEntry).reason).toMatch(/^line 4 is not valid JSON/);
    expect(entries[2]).toEqual({ id: 'b' });
  });
});
