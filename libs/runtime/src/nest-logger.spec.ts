import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoNestLogger } from './nest-logger';

function capture(level: pino.Level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new PinoNestLogger(pino({ level }, sink)) };
}

describe('PinoNestLogger', () => {
  it('writes Nest messages as JSON lines with their context', () => {
    const { lines, logger } = capture();
    logger.log('Mapped {/v1/events, POST} route', 'RouterExplorer');
    logger.warn('slow', 'ProjectorService');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'Mapped {/v1/events, POST} route', context: 'RouterExplorer', nest: true }),
      expect.objectContaining({ level: 40, msg: 'slow', context: 'ProjectorService' }),
    ]);
  });

  it('keeps the stack of an error apart from its context', () => {
    const { lines, logger } = capture();
    logger.error('boom', 'Error: boom\n    at x.js:1', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'boom', stack: 'Error: boom\n    at x.js:1', context: 'ExceptionsHandler' });
  });

  it('serialises Error objects and honours the pino level', () => {
    const { lines, logger } = capture('warn');
    logger.log('not written');
    logger.debug('not written either');
    logger.error(new Error('broken'), 'Ctx');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'broken', context: 'Ctx', err: expect.objectContaining({ message: 'broken' }) });
  });
});
