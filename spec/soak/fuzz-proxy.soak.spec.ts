/**
 * Fuzzing the proxy setting (issue 7): random strings, mutated valid proxy URLs, `env`/`none` with random
 * *_proxy variables and targets, credentials with odd characters. The result is a well-formed proxy or
 * a PROXY_* coded error, never a throw; neither redaction nor an error message ever shows a credential.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProxySetting, redactProxy, type ProxyResult } from '../../adapters/proxy/index.js';
import { LinkError } from '../../effects/errors.js';
import { DOCUMENTED_CODES, mutatedText, runs, watchUnhandledRejections } from './support/fuzz-kit.js';

watchUnhandledRejections();

const USER = 'uSeR-3k9';
const PASSWORD = 'pAsS-w0rd-x7';
const schemes = fc.constantFrom('http://', 'HTTP://', 'socks5://', 'Socks5h://', 'https://', 'socks4://', 'ftp://', 'http:/', '', '://');
const hosts = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((h) => `[${h}]`), fc.ipV6(), fc.constantFrom('', 'bad host', '[::1', '[1.2.3.4]', '1.2.3', '-x-', 'a..b', 'ünï.example', 'localhost.'));
const ports = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 70_000 }).map((p) => `:${p}`), fc.constantFrom(':', ':abc', ':-1', ':0080', ':123456', '::'));
const suffixes = fc.constantFrom('', '/', '//', '/path', '?q=1', '#frag', ' trailing', '\t');
/** Credentials with odd characters: raw (@, :, /, #, %, spaces, unicode) or percent-encoded, around fixed markers. */
const odd = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('\uD800', '\uDFFF', '%', '@', ':', '/', '#', ' ', '%zz')), maxLength: 8 });
/** Percent-encoding that also "encodes" a lone surrogate (as the invalid UTF-8 %ED%A0%80, as a careless client would). */
const pct = (s: string) => [...s].map((c) => (/\p{Cs}/u.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
const credentials = fc.tuple(odd, odd, fc.boolean(), fc.boolean()).map(([a, b, encode, withPassword]) => {
  const user = `${a}${USER}`.replaceAll('@', '');
  const pass = `${PASSWORD}${b}`.replaceAll('@', '');
  const enc = (s: string) => (encode ? pct(s) : s.replaceAll(':', ''));
  return withPassword ? `${enc(user)}:${enc(pass)}@` : `${enc(user)}@`;
});
const structured = fc.tuple(schemes, fc.option(credentials, { nil: '' }), hosts, ports, suffixes).map((parts) => parts.join(''));
const setting = fc.oneof(structured, mutatedText(structured), fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('env', ' ENV ', 'none', 'None', '', 'envv', 'direct'));
const ENV_NAMES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];
const env = fc.dictionary(fc.constantFrom(...ENV_NAMES), fc.oneof(structured, fc.string(), fc.domain(), fc.constantFrom('*', '.example.com, 10.0.0.0/8', '[::1]:443')), { maxKeys: 4 });
const target = fc.option(fc.record({ host: fc.oneof(fc.domain(), fc.ipV4(), fc.string()), port: fc.option(fc.integer({ min: -1, max: 70_000 }), { nil: undefined }) }), { nil: undefined });

function expectWellFormed(result: ProxyResult): void {
  if (!result.ok) {
    expect(result.error).toBeInstanceOf(LinkError);
    expect(['PROXY_BAD_SETTING', 'PROXY_UNKNOWN_SCHEME']).toContain(result.error.code);
    expect(DOCUMENTED_CODES.has(result.error.code)).toBe(true);
    return;
  }
  const { proxy } = result;
  const shown = redactProxy(proxy);
  if (proxy.kind === 'direct') {
    expect(shown).toBe('direct');
    return;
  }
  expect(['http', 'socks5', 'socks5h']).toContain(proxy.kind);
  expect(proxy.host).not.toBe('');
  expect(proxy.host).toBe(proxy.host.toLowerCase());
  expect(Number.isInteger(proxy.port) && proxy.port >= 1 && proxy.port <= 65535).toBe(true);
  // Redaction is exactly scheme, host and port: no room for a user name or password.
  expect(shown).toBe(`${proxy.kind}://${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`);
  if (proxy.password !== undefined && proxy.password.length >= 4) expect(shown).not.toContain(proxy.password);
  if (proxy.username !== undefined) expect(proxy.username).not.toBe('');
}

describe('fuzz: proxy settings', () => {
  it('any setting, environment and target: a well-formed proxy or a PROXY_* code, never a throw', () => {
    fc.assert(fc.property(setting, env, target, (value, environment, to) => {
      expectWellFormed(parseProxySetting(value, environment, to));
      expectWellFormed(parseProxySetting('env', environment, to));
    }), runs(1000, 50_000));
  });

  it('credentials are never shown: not by redaction, not in an error message', () => {
    fc.assert(fc.property(structured, fc.constantFrom('setting', 'https_proxy', 'ALL_PROXY'), (value, where) => {
      const result = where === 'setting' ? parseProxySetting(value, {}) : parseProxySetting('env', { [where]: value });
      const shown = result.ok ? redactProxy(result.proxy) : result.error.message;
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain(USER);
      expect(shown).not.toContain(pct(PASSWORD));
    }), runs(1000, 50_000));
  });

  it('valid proxy URLs are accepted with their credentials decoded', () => {
    const valid = fc.tuple(fc.constantFrom('http', 'socks5', 'socks5h'), fc.oneof(fc.domain(), fc.ipV4()), fc.integer({ min: 1, max: 65535 }), odd, odd);
    fc.assert(fc.property(valid, ([scheme, host, port, u, p]) => {
      const user = `${u}${USER}`;
      const pass = `${PASSWORD}${p}`;
      const result = parseProxySetting(` ${scheme}://${pct(user)}:${pct(pass)}@${host}:${port}/ `, {});
      const wellFormed = /\p{Cs}/u.test(user + pass) === false;
      expect(result.ok).toBe(wellFormed);
      if (result.ok && result.proxy.kind !== 'direct') expect([result.proxy.host, result.proxy.port, result.proxy.username, result.proxy.password]).toEqual([host.toLowerCase(), port, user, pass]);
    }), runs());
  });
});
