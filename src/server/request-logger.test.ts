import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { lazyChildLogger } from './request-logger.js';

describe('lazyChildLogger', () => {
  it('makes the child on the first log call, with the same bindings, level and lines as a child made at once', () => {
    const lines: string[] = [];
    const parent = pino({ level: 'info', base: undefined, timestamp: false }, { write: (line: string) => lines.push(line) });
    let made = 0;
    const counting = { ...parent, level: parent.level, child: (b: pino.Bindings, o?: pino.ChildLoggerOptions) => (made++, parent.child(b, o)) } as unknown as pino.Logger;
    const lazy = lazyChildLogger(counting, { reqId: 'r-1' }, {});
    expect(made).toBe(0);
    expect(lazy.level).toBe('info');
    lazy.debug('not at this level');
    lazy.info({ status: 201 }, 'request');
    lazy.warn('again');
    expect(made).toBe(1);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 30, reqId: 'r-1', status: 201, msg: 'request' },
      { level: 40, reqId: 'r-1', msg: 'again' },
    ]);
  });
});
