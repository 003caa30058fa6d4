import fc from 'fast-check';
import { eventArraySlices } from './event-array-slices';

const bytesOf = (text: string) => Buffer.from(text, 'utf8');

/** The entries at the offsets found, each parsed on its own; null when none were found or one does not parse. */
function entriesAt(text: string): unknown[] | null {
  const bytes = bytesOf(text);
  const offsets = eventArraySlices(bytes);
  if (offsets === null) return null;
  const entries: unknown[] = [];
  try {
    for (let i = 0; i < offsets.length; i += 2) entries.push(JSON.parse(bytes.toString('utf8', offsets[i], offsets[i + 1])));
  } catch {
    return null;
  }
  return entries;
}

describe('eventArraySlices', () => {
  it('finds each entry of {"events": [...]}, whatever the whitespace', () => {
    expect(entriesAt('{"events":[{"id":"a"},{"id":"b","n":1}]}')).toEqual([{ id: 'a' }, { id: 'b', n: 1 }]);
    expect(entriesAt(' \r\n{ "events" :\t[ {"id": "a"} ,\n {} ] }\n ')).toEqual([{ id: 'a' }, {}]);
    expect(entriesAt('{"events": []}')).toEqual([]);
    expect(entriesAt('{"events":[ ]}')).toEqual([]);
  });

  it('steps over strings holding brackets, quotes and escapes, and over nested values', () => {
    const entries = [
      { id: 'a}{]["\\', note: '\\"}' }, { id: 'é→😀', nested: { list: [1, { deep: ['}'] }], empty: {} } }, { id: '\u2028\n\t' },
    ];
    expect(entriesAt(JSON.stringify({ events: entries }))).toEqual(entries);
    expect(entriesAt('{"events":[{"id":"\\u007d\\""}]}')).toEqual([{ id: '}"' }]);
  });

  it.each([
    ['an empty body', ''],
    ['another key first', '{"platform":"x","events":[{}]}'],
    ['another key after', '{"events":[{}],"platform":"x"}'],
    ['the key escaped', '{"\\u0065vents":[{}]}'],
    ['the key twice', '{"events":[],"events":[{}]}'],
    ['an entry that is not an object', '{"events":[{},1]}'],
    ['entries without a comma', '{"events":[{} {}]}'],
    ['a trailing comma', '{"events":[{},]}'],
    ['an unterminated string', '{"events":[{"id":"a}]}'],
    ['a missing bracket', '{"events":[{}}'],
    ['bytes after the body', '{"events":[{}]}x'],
    ['a second body', '{"events":[{}]}{"events":[]}'],
    ['a byte order mark', '\ufeff{"events":[{}]}'],
    ['an array at the top', '[{"events":[]}]'],
    ['non-JSON whitespace', '{"events":[{}]}\u00a0'],
  ])('answers null for %s', (_what, text) => {
    expect(eventArraySlices(bytesOf(text))).toBeNull();
  });

  it('answers null for bytes that are not UTF-8 in the frame, and leaves those in an entry to its decoding', () => {
    expect(eventArraySlices(Buffer.concat([bytesOf('{"events":[{}]}'), Buffer.from([0xa0])]))).toBeNull();
    expect(eventArraySlices(Buffer.concat([bytesOf('{"events":'), Buffer.from([0xa0]), bytesOf('[{}]}')]))).toBeNull();
    const body = Buffer.concat([bytesOf('{"events":[{"id":"a'), Buffer.from([0xff, 0xc3]), bytesOf('"}]}')]);
    const offsets = eventArraySlices(body)!;
    expect(JSON.parse(body.toString('utf8', offsets[0], offsets[1]))).toEqual(JSON.parse(body.toString('utf8')).events[0]);
  });

  describe('properties', () => {
    const entry = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });
    const whitespace = fc.stringMatching(/^[ \t\n\r]{0,3}$/);
    const body = fc.tuple(fc.array(entry, { maxLength: 8 }), fc.array(whitespace, { minLength: 10, maxLength: 10 })).map(([entries, ws]) => {
      const [a, b, c, d, e, f, g, h, i, j] = ws;
      const inner = entries.map((x) => JSON.stringify(x, null, (i?.length ?? 0) > 1 ? 1 : undefined)).join(`${g},${h}`);
      return { entries, text: `${a}{${b}"events"${c}:${d}[${e}${inner}${f}]${i}}${j}` };
    });

    it('finds exactly the entries JSON.parse finds in every body of that shape', () => {
      fc.assert(fc.property(body, ({ entries, text }) => {
        expect(entriesAt(text)).toEqual(JSON.parse(text).events);
        expect(entriesAt(text)).toHaveLength(entries.length);
      }));
    });

    // The one thing that must never happen: entries found where the whole body would not parse,
    // or would parse to something else. Damaged bodies probe it.
    it('never finds entries in a body that JSON.parse refuses or reads otherwise', () => {
      const damage = fc.tuple(body, fc.nat(), fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', ' ', 'x', '1', 'é', ''), fc.boolean());
      fc.assert(fc.property(damage, ([{ text }, at, char, replace]) => {
        const position = text.length === 0 ? 0 : at % text.length;
        const damaged = text.slice(0, position) + char + text.slice(position + (replace ? 1 : 0));
        const found = entriesAt(damaged);
        if (found === null) return;
        const whole = JSON.parse(damaged) as Record<string, unknown>;
        expect(Object.keys(whole)).toEqual(['events']);
        expect(whole.events).toEqual(found);
      }), { numRuns: 5_000 });
    });
  });
});
