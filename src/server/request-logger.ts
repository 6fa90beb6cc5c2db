import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LevelMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Logs through the child, made now if it was not yet. */
function log(lazy: LazyRequestLogger, method: LevelMethod, args: unknown[]): void {
  const logger = lazy.logger;
  (logger[method] as (...a: unknown[]) => void).apply(logger, args);
}

/**
 * Fastify gives every request a child logger bound to its request id. pino builds a child by
 * serializing its bindings through the redaction's stringifier, which costs more than a cached verify
 * itself, and a data-plane request never logs. So the child is made on the request's first log call:
 * the same child, with the same bindings and options, only later. The methods live on the prototype,
 * so a request that never logs allocates this object alone.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  private made?: FastifyBaseLogger;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** The child itself, made now if it was not yet. */
  get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: unknown[]): void {
    log(this, 'fatal', args);
  }
  error(...args: unknown[]): void {
    log(this, 'error', args);
  }
  warn(...args: unknown[]): void {
    log(this, 'warn', args);
  }
  info(...args: unknown[]): void {
    log(this, 'info', args);
  }
  debug(...args: unknown[]): void {
    log(this, 'debug', args);
  }
  trace(...args: unknown[]): void {
    log(this, 'trace', args);
  }
  silent(...args: unknown[]): void {
    log(this, 'silent', args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: a request's logger, made on first use. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
