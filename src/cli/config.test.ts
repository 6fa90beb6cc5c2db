import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { checkContextName, contextNameFor, currentContext, findContext, hasSavedContext, parseConfig, readConfigFile, saveContext, setCurrentEnvironment } from './config.js';

describe('parseConfig', () => {
  it('reads the contexts and the current one', () => {
    const file = { current_context: 'a', contexts: { a: { url: 'http://h:1', api_key: 'K', api_secret: 'S' }, b: { url: 'http://h:2' } } };
    expect(parseConfig(file)).toEqual(file);
  });

  it('reads the single-context file of earlier versions as the current context "default"', () => {
    expect(parseConfig({ url: 'http://h:1', api_key: 'K', api_secret: 'S', environment: 'env-abc123' })).toEqual({
      current_context: 'default',
      contexts: { default: { url: 'http://h:1', api_key: 'K', api_secret: 'S', environment: 'env-abc123' } },
    });
    expect(parseConfig({})).toEqual({ contexts: {} });
  });

  it('drops a current context that is not saved, fields that are not strings, and anything not an object', () => {
    expect(parseConfig({ current_context: 'gone', contexts: { a: { url: 'http://h:1', api_key: 7, extra: 'x' } } })).toEqual({ current_context: undefined, contexts: { a: { url: 'http://h:1' } } });
    expect(parseConfig([])).toEqual({ contexts: {} });
    expect(parseConfig('text')).toEqual({ contexts: {} });
  });
});

describe('context names', () => {
  it("default to the URL's host and port", () => {
    expect(contextNameFor('http://127.0.0.1:8090')).toBe('127.0.0.1:8090');
    expect(contextNameFor('https://keyward.example.com/')).toBe('keyward.example.com');
  });

  it('are one word, refused otherwise as a usage error', () => {
    expect(checkContextName('prod-eu.1')).toBe('prod-eu.1');
    for (const bad of ['', 'two words', '-flag', '__proto__']) {
      expect(() => checkContextName(bad)).toThrow(expect.objectContaining({ exitCode: 2 }));
    }
  });

  it('that are not saved are an error naming them and the saved ones', () => {
    const config = parseConfig({ contexts: { a: {}, b: {} } });
    expect(() => findContext(config, 'c')).toThrow(new CliError('Context "c" not found; saved contexts: a, b'));
    expect(() => findContext({ contexts: {} }, 'c')).toThrow('saved contexts: none (run keyward login --url URL)');
  });
});

describe('the config file', () => {
  let home: string;
  const env = () => ({ KEYWARD_HOME: home });
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'keyward-config-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('is written with mode 0600, keeping the other contexts', () => {
    saveContext('a', { url: 'http://h:1', api_key: 'K', api_secret: 'S' }, env());
    saveContext('b', { url: 'http://h:2' }, env());
    const path = join(home, 'config.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ current_context: 'b', contexts: { a: { url: 'http://h:1', api_key: 'K', api_secret: 'S' }, b: { url: 'http://h:2' } } });
    expect(hasSavedContext(env())).toBe(true);
  });

  it('sets the current context\'s environment, migrating an old file to contexts', () => {
    writeFileSync(join(home, 'config.json'), JSON.stringify({ url: 'http://h:1', api_key: 'K', api_secret: 'S' }));
    expect(currentContext(readConfigFile(env()))).toEqual({ url: 'http://h:1', api_key: 'K', api_secret: 'S' });
    setCurrentEnvironment('env-abc123', env());
    expect(readConfigFile(env())).toEqual({ current_context: 'default', contexts: { default: { url: 'http://h:1', api_key: 'K', api_secret: 'S', environment: 'env-abc123' } } });
  });

  it('refuses to set an environment with no current context, leaving the saved ones alone', () => {
    saveContext('default', { url: 'http://h:1', api_key: 'K', api_secret: 'S' }, env());
    const config = readConfigFile(env());
    writeFileSync(join(home, 'config.json'), JSON.stringify({ contexts: config.contexts }));
    expect(() => setCurrentEnvironment('env-abc123', env())).toThrow('No current context');
    expect(readConfigFile(env()).contexts).toEqual({ default: { url: 'http://h:1', api_key: 'K', api_secret: 'S' } });
  });

  it('takes no inherited property for a context name', () => {
    writeFileSync(join(home, 'config.json'), JSON.stringify({ current_context: 'toString', contexts: {} }));
    const config = readConfigFile(env());
    expect(config.current_context).toBeUndefined();
    expect(() => findContext(config, 'toString')).toThrow('Context "toString" not found');
  });

  it('that is not JSON is an error naming it', () => {
    writeFileSync(join(home, 'config.json'), '{');
    expect(() => readConfigFile(env())).toThrow(`The CLI configuration ${join(home, 'config.json')} is not valid JSON`);
    expect(hasSavedContext({ KEYWARD_HOME: join(home, 'none') })).toBe(false);
  });
});
