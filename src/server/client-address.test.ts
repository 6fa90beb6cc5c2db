import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress, parseTrustedProxies } from './client-address.js';

describe('trusted proxies and the client address', () => {
  const trusted = parseTrustedProxies('127.0.0.1/32, 10.0.0.0/8,fd00::/8');

  it('parses CIDR lists, bare addresses and IPv4-mapped forms', () => {
    expect(trusted.ranges).toEqual(['127.0.0.1/32', '10.0.0.0/8', 'fd00::/8']);
    expect(parseTrustedProxies('::1').ranges).toEqual(['::1/128']);
    expect(parseTrustedProxies('::ffff:192.0.2.1/32').ranges).toEqual(['192.0.2.1/32']);
    expect(parseTrustedProxies(undefined).ranges).toEqual([]);
    expect(parseTrustedProxies('').ranges).toEqual([]);
    expect(trusted.trusts('10.200.3.4')).toBe(true);
    expect(trusted.trusts('::ffff:10.1.1.1')).toBe(true);
    expect(trusted.trusts('fd12::5')).toBe(true);
    expect(trusted.trusts('11.0.0.1')).toBe(false);
    expect(trusted.trusts('not an address')).toBe(false);
  });

  it.each(['10.0.0.0/33', '300.1.1.1', 'fd00::/129', 'example.com', '10.0.0.0/', '10.0.0.0/8x', '1.2.3.4/-1'])('refuses %s with a clear message', (entry) => {
    expect(() => parseTrustedProxies(`127.0.0.1,${entry}`)).toThrow(`invalid trusted proxy "${entry}"`);
  });

  it('is the TCP peer when no proxy is trusted, whatever the headers say', () => {
    const none = parseTrustedProxies(undefined);
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.8' }, none)).toBe('127.0.0.1');
    expect(clientAddress('::ffff:198.51.100.4', {}, none)).toBe('198.51.100.4');
  });

  it('ignores the headers of an untrusted peer', () => {
    expect(clientAddress('198.51.100.1', { 'x-forwarded-for': '203.0.113.9' }, trusted)).toBe('198.51.100.1');
    expect(clientAddress('198.51.100.1', { 'x-real-ip': '203.0.113.9' }, trusted)).toBe('198.51.100.1');
  });

  it('walks X-Forwarded-For from the right past trusted proxies', () => {
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, trusted)).toBe('203.0.113.9');
    // a client-supplied left part cannot choose the address
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.9' }, trusted)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.9, 10.1.2.3' }, trusted)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '2001:db8::7, fd00::1' }, trusted)).toBe('2001:db8::7');
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '[2001:db8::8]:4711, 203.0.113.1:80' }, trusted)).toBe('203.0.113.1');
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '::ffff:203.0.113.2' }, trusted)).toBe('203.0.113.2');
    // every hop trusted: the leftmost is the client
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '10.0.0.5, 10.0.0.6' }, trusted)).toBe('10.0.0.5');
    // a hop no trusted proxy could have written stops the walk at the last address vouched for
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': '203.0.113.9, garbage, 10.0.0.6' }, trusted)).toBe('10.0.0.6');
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': 'garbage' }, trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', { 'x-forwarded-for': ['203.0.113.1', '203.0.113.2'] }, trusted)).toBe('203.0.113.2');
  });

  it('believes X-Real-IP from a trusted peer when there is no X-Forwarded-For', () => {
    expect(clientAddress('127.0.0.1', { 'x-real-ip': '203.0.113.5' }, trusted)).toBe('203.0.113.5');
    expect(clientAddress('127.0.0.1', { 'x-real-ip': 'nonsense' }, trusted)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', {}, trusted)).toBe('127.0.0.1');
  });

  it('normalises IPv4-mapped IPv6 and case', () => {
    expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
  });

  it('answers the same for an address asked again, also after more distinct addresses than it remembers', () => {
    const list = parseTrustedProxies('10.0.0.0/8');
    const asked = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : `203.0.${(i >> 8) & 255}.${i & 255}`));
    for (let round = 0; round < 2; round++) {
      for (const [i, address] of asked.entries()) expect(list.trusts(address)).toBe(i % 2 === 0);
    }
    expect(list.trusts('::ffff:10.1.2.3')).toBe(true);
    expect(list.trusts('not an address')).toBe(false);
    expect(list.trusts('not an address')).toBe(false);
  });
});
