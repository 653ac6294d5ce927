/**
 * adapters/proxy/url.ts and parse.ts, exactly: the whole error message for each way a proxy URL can
 * be wrong (the tests in spec/proxy/parse.spec.ts check only the codes), the edges of the bare
 * `host[:port]` form read from *_proxy variables, and the promise that parseProxySetting never throws.
 */
import { describe, expect, it } from 'vitest';
import { parseProxySetting, parseProxyUrl, type ProxyEnv, type ProxyResult, type ProxyTarget } from '../../adapters/proxy/index.js';

/** What a caller sees: the proxy, or the error's code and message. */
const seen = (result: ProxyResult) => (result.ok ? { proxy: result.proxy } : { code: result.error.code, message: result.error.message });
const setting = (value: string, env: ProxyEnv = {}, target?: ProxyTarget) => seen(parseProxySetting(value, env, target));
const fromEnv = (value: string) => seen(parseProxySetting('env', { https_proxy: value }));
const bad = (what: string) => ({ code: 'PROXY_BAD_SETTING', message: `proxy setting: ${what}` });

const PORT_RANGE = 'the proxy port must be a number from 1 to 65535';
const MUST_START = 'a proxy must start with http://, socks5:// or socks5h:// (or be "none" or "env")';

describe('parseProxySetting: messages name the source and what is wrong', () => {
  it.each([
    ['http://proxy/path', 'a proxy URL has no path, query, fragment or spaces'],
    ['http://[::1', 'unterminated "[" in the proxy host'],
    ['http://[]:1', 'only an IPv6 address may be written in brackets'],
    ['http://[proxy]:1', 'only an IPv6 address may be written in brackets'],
    ['http://[::1]x', 'unexpected text after "]" in the proxy host'],
    ['http://::1:3128', 'an IPv6 proxy address must be written in brackets, e.g. [::1]:3128'],
    ['http://:3128', 'the proxy host is empty'],
    ['http://999.1.1.1', 'invalid proxy host "999.1.1.1"'],
    ['http://Bad_Host-:1', 'invalid proxy host "bad_host-"'],
    ['http://proxy:31a', PORT_RANGE],
    ['http://proxy:a1', PORT_RANGE],
    ['http://proxy:0', PORT_RANGE],
    ['http://proxy:65536', PORT_RANGE],
    ['http://user:%zz@proxy', 'bad percent-encoding in the proxy password'],
    ['http://%zz:pw@proxy', 'bad percent-encoding in the proxy user name'],
    ['http://:pw@proxy', 'the proxy user name before "@" is empty'],
    [`socks5://${'u'.repeat(256)}:p@proxy`, 'SOCKS5 user name and password are limited to 255 bytes each'],
    [`socks5h://u:${'p'.repeat(256)}@proxy`, 'SOCKS5 user name and password are limited to 255 bytes each'],
  ])('%j', (value, what) => {
    expect(setting(value)).toStrictEqual(bad(what));
  });

  it('an unknown scheme, and a value that does not start with one', () => {
    expect(setting('ftp://proxy')).toStrictEqual({
      code: 'PROXY_UNKNOWN_SCHEME', message: 'proxy setting: unsupported proxy scheme "ftp://" (use http://, socks5:// or socks5h://)',
    });
    expect(setting('proxy.example:3128')).toStrictEqual({ code: 'PROXY_UNKNOWN_SCHEME', message: `proxy setting: ${MUST_START}` });
    // a quoted value: the scheme must be at the very start
    expect(setting('"http://proxy"')).toStrictEqual({ code: 'PROXY_UNKNOWN_SCHEME', message: `proxy setting: ${MUST_START}` });
  });

  it('lone surrogates in the user name or the password are refused', () => {
    const notUnicode = bad('the proxy credentials are not valid Unicode');
    expect(setting('http://u\uD800@proxy')).toStrictEqual(notUnicode);
    expect(setting('http://user:p\uDC00w@proxy')).toStrictEqual(notUnicode);
    expect(setting('http://user:p\uD83D\uDD11w@proxy')).toStrictEqual({ proxy: { kind: 'http', host: 'proxy', port: 8080, username: 'user', password: 'p🔑w' } });
  });
});

describe('parseProxySetting: accepted values, exactly', () => {
  it.each([
    ['http://u@proxy', { kind: 'http', host: 'proxy', port: 8080, username: 'u' }],
    ['http://u:@proxy', { kind: 'http', host: 'proxy', port: 8080, username: 'u', password: '' }],
    ['socks5://user@proxy', { kind: 'socks5', host: 'proxy', port: 1080, username: 'user' }],
    ['http://proxy1:3128', { kind: 'http', host: 'proxy1', port: 3128 }],
    ['http://1e100.net', { kind: 'http', host: '1e100.net', port: 8080 }],
    ['http://10.0.0.1:65535', { kind: 'http', host: '10.0.0.1', port: 65535 }],
    [`http://${'u'.repeat(300)}:p@proxy`, { kind: 'http', host: 'proxy', port: 8080, username: 'u'.repeat(300), password: 'p' }],
    [`socks5://${'u'.repeat(255)}:${'€'.repeat(85)}@proxy`, { kind: 'socks5', host: 'proxy', port: 1080, username: 'u'.repeat(255), password: '€'.repeat(85) }],
  ])('%j', (value, proxy) => {
    expect(setting(value)).toStrictEqual({ proxy });
  });

  it('parseProxyUrl trims the value itself', () => {
    expect(seen(parseProxyUrl('  socks5h://gw:9050 \n', { source: 'x', bareMeansHttp: false }))).toStrictEqual({
      proxy: { kind: 'socks5h', host: 'gw', port: 9050 },
    });
  });
});

describe('parseProxySetting: *_proxy variables', () => {
  it('a value with blanks around it is read trimmed', () => {
    expect(fromEnv('  http://p:3128  ')).toStrictEqual({ proxy: { kind: 'http', host: 'p', port: 3128 } });
  });

  it('a bare host is http, a bracketed IPv6 address included', () => {
    expect(fromEnv('[fd00::ab:cd]:3128')).toStrictEqual({ proxy: { kind: 'http', host: 'fd00::ab:cd', port: 3128 } });
    expect(fromEnv('1user:pw@proxy:3128')).toStrictEqual({ proxy: { kind: 'http', host: 'proxy', port: 3128, username: '1user', password: 'pw' } });
  });

  it('"word:" not followed by a digit is a scheme, never a host', () => {
    const mustStart = { code: 'PROXY_UNKNOWN_SCHEME', message: `environment variable https_proxy: ${MUST_START}` };
    expect(fromEnv('https:/proxy')).toStrictEqual(mustStart);
    expect(fromEnv('localhost:abc')).toStrictEqual(mustStart);
    expect(fromEnv('socks5h:proxy')).toStrictEqual(mustStart);
  });

  it('an empty no_proxy counts as unset: NO_PROXY is read', () => {
    const target = { host: 'app.netdata.cloud' };
    expect(setting('env', { https_proxy: 'http://p:1', no_proxy: '', NO_PROXY: '*' }, target)).toStrictEqual({ proxy: { kind: 'direct' } });
    expect(setting('env', { https_proxy: 'http://p:1', no_proxy: ' \t ', NO_PROXY: '*' }, target)).toStrictEqual({ proxy: { kind: 'direct' } });
    expect(setting('env', { https_proxy: 'http://p:1', no_proxy: 'other.example', NO_PROXY: '*' }, target)).toStrictEqual({
      proxy: { kind: 'http', host: 'p', port: 1 },
    });
  });
});

describe('parseProxySetting never throws', () => {
  it('an environment that throws when read gives PROXY_BAD_SETTING with the cause', () => {
    const boom = new Error('environment unavailable');
    const env = new Proxy({}, { get: () => { throw boom; } }) as ProxyEnv;
    const result = parseProxySetting('env', env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ code: result.error.code, message: result.error.message, cause: result.error.cause }).toStrictEqual({
      code: 'PROXY_BAD_SETTING', message: 'proxy setting could not be parsed', cause: boom,
    });
  });

  it('so does a value that is not a string (a JavaScript caller)', () => {
    expect(setting(undefined as unknown as string)).toStrictEqual({ code: 'PROXY_BAD_SETTING', message: 'proxy setting could not be parsed' });
  });
});
