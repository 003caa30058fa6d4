import type pg from 'pg';

/** Postgres protocol message codes a COPY TO stream meets (protocol 3.0). */
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'

/** What node-postgres' Connection gives a submittable query; its stream is the socket. */
interface PgConnection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): ((data: Buffer) => void)[] };
  query(text: string): void;
}

/**
 * `COPY … TO STDOUT` for a consumer that parses the rows itself (log-rows.ts): each socket chunk
 * is handed over whole, its CopyData payloads moved together in place, without the message
 * headers. pg-copy-streams makes a Buffer (and a list entry) of every row, one per CopyData
 * message — that, and collecting them again, cost a replay a second of its five million rows.
 *
 * Submit with `client.query(copy)` and await `copy.done`. Like pg-copy-streams, it takes over
 * the connection's socket for the COPY and hands it back to node-postgres, with the bytes after
 * CopyDone (or from an ErrorResponse on), which then completes the query or reports the error.
 */
export class CopyOutChunks {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  private connection: PgConnection | null = null;
  private pgDataHandler: ((data: Buffer) => void) | null = null;
  // Decoder state: the bytes of a message header read so far, and the payload bytes still to come.
  private readonly header = Buffer.alloc(5);
  private headerBytes = 0;
  private code = 0;
  private remaining = 0;
  private readonly onData = (chunk: Buffer) => this.parse(chunk);

  constructor(
    private readonly text: string,
    /** Receives payload bytes in order; a row may be cut between two calls. The buffer is lent for the call only. */
    private readonly consume: (payload: Buffer) => void,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Called by node-postgres when the query's turn comes. */
  submit(connection: PgConnection): void {
    this.connection = connection;
    const listeners = connection.stream.listeners('data');
    if (listeners.length !== 1) throw new Error(`expected node-postgres' one data listener on the socket, found ${listeners.length}`);
    this.pgDataHandler = listeners[0]!;
    connection.stream.removeListener('data', this.pgDataHandler);
    connection.stream.on('data', this.onData);
    connection.query(this.text);
  }

  private parse(chunk: Buffer): void {
    let at = 0;
    let out = 0; // payload bytes moved to the chunk's front so far
    try {
      while (at < chunk.length) {
        if (this.remaining > 0) {
          const n = Math.min(this.remaining, chunk.length - at);
          if (this.code === COPY_DATA) {
            if (at !== out) chunk.copyWithin(out, at, at + n);
            out += n;
          }
          at += n;
          this.remaining -= n;
          continue;
        }
        // A message header: code and length (which counts itself), possibly cut by the chunk's end.
        let headerStart: Buffer | null = null;
        if (this.headerBytes === 0 && chunk.length - at >= 5) {
          this.code = chunk[at]!;
          this.remaining = chunk.readInt32BE(at + 1) - 4;
        } else {
          const n = Math.min(5 - this.headerBytes, chunk.length - at);
          chunk.copy(this.header, this.headerBytes, at, at + n);
          this.headerBytes += n;
          at += n;
          if (this.headerBytes < 5) break;
          this.headerBytes = 0;
          this.code = this.header[0]!;
          this.remaining = this.header.readInt32BE(1) - 4;
          headerStart = this.header;
        }
        if (this.code === COPY_DONE || this.code === ERROR_RESPONSE) {
          // Done: what was gathered goes to the consumer, the rest (from this header) back to node-postgres.
          if (out > 0) this.consume(chunk.subarray(0, out));
          return this.handBack(headerStart === null ? chunk.subarray(at) : Buffer.concat([headerStart, chunk.subarray(at)]));
        }
        // CopyData, or a message Postgres may send amid a COPY (CopyOutResponse, notices, parameter
        // statuses, notifications), whose payload is skipped.
        if (headerStart === null) at += 5;
      }
      if (out > 0) this.consume(chunk.subarray(0, out));
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** Gives the socket back to node-postgres, with the bytes it has yet to read. */
  private handBack(rest: Buffer): void {
    const stream = this.connection!.stream;
    stream.removeListener('data', this.onData);
    stream.on('data', this.pgDataHandler!);
    this.pgDataHandler!(rest);
  }

  private fail(error: Error): void {
    // The consumer refused the data: stop the COPY by closing the connection (pg reports the error).
    this.reject(error);
    (this.connection!.stream as unknown as { destroy(error?: Error): void }).destroy(error);
  }

  // node-postgres' callbacks for the query's life after the hand-back.
  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.resolve();
  }

  handleError(error: Error): void {
    this.reject(error);
  }

  handleCopyData(): void {
    // Rows reached node-postgres instead: they would be missing from the consumer's count.
    this.fail(new Error('COPY data reached node-postgres after the COPY was handed back'));
  }
}

export type CopyOutSubmittable = CopyOutChunks & pg.Submittable;
