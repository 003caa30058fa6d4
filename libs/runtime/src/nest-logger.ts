import type { LoggerService, LogLevel } from '@nestjs/common';
import type pino from 'pino';

/**
 * Nest's own messages (bootstrap, route mapping, exceptions, `new Logger(...)` in providers)
 * written through the service's pino logger, so that every line the process prints is JSON.
 * Nest calls `log(message, context)` and `error(message, stack, context)`; the context becomes
 * a field, a stack its own field.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: pino.Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest asks which levels to emit; pino's own level decides, so this is a no-op. */
  setLogLevels(_levels: LogLevel[]): void {}

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // The last string argument is the context (Nest's convention); for errors a string before
    // it is the stack.
    const strings = rest.filter((r): r is string => typeof r === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = level === 'error' || level === 'fatal' ? (strings.length > 1 ? strings[0] : undefined) : undefined;
    const fields: Record<string, unknown> = { nest: true };
    if (context !== undefined) fields.context = context;
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, detail: message }, 'nest');
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
