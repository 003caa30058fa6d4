import { EventEmitter } from 'node:events';
import { CopyOutChunks } from './copy-out-chunks';

const message = (code: string, payload: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
};

/** A socket as node-postgres holds it: one 'data' listener, its protocol parser. */
function fakeConnection() {
  const stream = new EventEmitter();
  const handedBack: Buffer[] = [];
  stream.on('data', (data: Buffer) => handedBack.push(Buffer.from(data)));
  return { stream, handedBack, query: () => undefined };
}

describe('CopyOutChunks', () => {
  const rows = Array.from({ length: 40 }, (_, i) => Buffer.from(`row ${i} `.repeat(1 + (i % 7)), 'latin1'));
  const after = Buffer.concat([message('C', Buffer.from('COPY 40\0')), message('Z', Buffer.from('I'))]);
  const wire = Buffer.concat([
    message('H', Buffer.from([1, 0, 0])),
    ...rows.slice(0, 20).map((row) => message('d', row)),
    message('N', Buffer.from('a notice amid the rows\0')),
    ...rows.slice(20).map((row) => message('d', row)),
    message('c', Buffer.alloc(0)),
    after,
  ]);

  it.each([1, 2, 3, 4, 5, 6, 7, 11, 64, wire.length])('gives the rows in order and the rest back, the wire cut every %i bytes', async (size) => {
    const connection = fakeConnection();
    const received: Buffer[] = [];
    const copy = new CopyOutChunks('COPY (…) TO STDOUT', (payload) => received.push(Buffer.from(payload)));
    copy.submit(connection as never);
    for (let at = 0; at < wire.length; at += size) connection.stream.emit('data', Buffer.from(wire.subarray(at, at + size)));
    copy.handleReadyForQuery();
    await copy.done;
    expect(Buffer.concat(received)).toEqual(Buffer.concat(rows));
    // The bytes from CopyDone on reached node-postgres' listener, which has the socket again.
    expect(Buffer.concat(connection.handedBack)).toEqual(Buffer.concat([message('c', Buffer.alloc(0)), after]));
    expect(connection.stream.listeners('data')).toHaveLength(1);
  });

  it('hands an error back to node-postgres and fails with it', async () => {
    const connection = fakeConnection();
    const copy = new CopyOutChunks('COPY (…) TO STDOUT', () => undefined);
    copy.submit(connection as never);
    const error = message('E', Buffer.from('SERROR\0Mboom\0\0'));
    connection.stream.emit('data', Buffer.concat([message('d', rows[0]!), error]));
    expect(Buffer.concat(connection.handedBack)).toEqual(error);
    copy.handleError(new Error('boom'));
    await expect(copy.done).rejects.toThrow('boom');
  });
});
