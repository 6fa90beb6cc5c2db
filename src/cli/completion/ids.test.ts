import { describe, expect, it } from 'vitest';
import { idCandidates, safeCandidates } from './ids.js';

describe('completion candidates', () => {
  it('keeps ids and context names as they are', () => {
    expect(safeCandidates([['sa-abc123', 'orders app'], ['127.0.0.1:8090', 'http://127.0.0.1:8090'], ['UTT6WDRXX7FHD2GV', 'key']])).toEqual([
      ['sa-abc123', 'orders app'],
      ['127.0.0.1:8090', 'http://127.0.0.1:8090'],
      ['UTT6WDRXX7FHD2GV', 'key'],
    ]);
  });

  it('drops words a shell would expand or split, whatever the server answers', () => {
    const hostile = ['$(touch /tmp/pwned)', '`id`', 'sa-abc123;rm', 'a b', "it's", '"q"', '', 'x'.repeat(129), '${HOME}', 'a\nb'];
    expect(safeCandidates(hostile.map((word) => [word, 'd']))).toEqual([]);
  });

  it('puts descriptions on one line with control characters escaped', () => {
    expect(safeCandidates([['sa-abc123', 'two\nlines \u001b[31mred\t']])).toEqual([['sa-abc123', 'two\\nlines \\x1b[31mred\\t']]);
  });

  it('offers nothing for a kind that is not an own table entry', async () => {
    expect(await idCandidates('toString', {})).toEqual([]);
    expect(await idCandidates('constructor', {})).toEqual([]);
  });
});
