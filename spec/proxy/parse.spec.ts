/** Table tests for the `proxy` setting (PROTOCOL.md section 5 rules). */
import { describe, expect, it } from 'vitest';
import { parseProxySetting, redactProxy, type ProxyResult, type ResolvedProxy } from '../../adapters/proxy/index.js';

const ok = (result: ProxyResult): ResolvedProxy => {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.proxy;
};
const errorCode = (result: ProxyResult): string => {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.proxy)}`);
  return result.error.code;
};

describe('parseProxySetting: explicit values', () => {
  it.each([
    ['', { kind: 'direct' }],
    ['   ', { kind: 'direct' }],
    ['none', { kind: 'direct' }],
    ['NONE', { kind: 'direct' }],
    ['http://proxy.example', { kind: 'http', host: 'proxy.example', port: 8080 }],
    ['http://proxy.example:3128', { kind: 'http', host: 'proxy.example', port: 3128 }],
    ['http://proxy.example:3128/', { kind: 'http', host: 'proxy.example', port: 3128 }],
    ['  HTTP://Proxy.Example:3128  ', { kind: 'http', host: 'proxy.example', port: 3128 }],
    ['socks5://10.0.0.1', { kind: 'socks5', host: '10.0.0.1', port: 1080 }],
    ['SOCKS5H://gw:9050', { kind: 'socks5h', host: 'gw', port: 9050 }],
    ['socks5h://[::1]:1080', { kind: 'socks5h', host: '::1', port: 1080 }],
    ['http://[2001:DB8::1]', { kind: 'http', host: '2001:db8::1', port: 8080 }],
    ['http://user:pass@proxy:3128', { kind: 'http', host: 'proxy', port: 3128, username: 'user', password: 'pass' }],
    ['http://user@proxy', { kind: 'http', host: 'proxy', port: 8080, username: 'user' }],
    ['http://user:@proxy', { kind: 'http', host: 'proxy', port: 8080, username: 'user', password: '' }],
    ['http://us%40er:p%3Ass%2F@proxy', { kind: 'http', host: 'proxy', port: 8080, username: 'us@er', password: 'p:ss/' }],
    ['http://user:p@ss@word@proxy:1', { kind: 'http', host: 'proxy', port: 1, username: 'user', password: 'p@ss@word' }],
    ['http://user:a:b/c?d#e@proxy', { kind: 'http', host: 'proxy', port: 8080, username: 'user', password: 'a:b/c?d#e' }],
    ['socks5://%E2%82%AC:%F0%9F%94%91@[fe80::1]:65535', { kind: 'socks5', host: 'fe80::1', port: 65535, username: '€', password: '🔑' }],
  ])('%j', (value, expected) => {
    expect(ok(parseProxySetting(value, {}))).toEqual(expected);
  });

  it.each([
    ['https://proxy:443', 'PROXY_UNKNOWN_SCHEME'],
    ['ftp://proxy', 'PROXY_UNKNOWN_SCHEME'],
    ['socks4://proxy', 'PROXY_UNKNOWN_SCHEME'],
    ['proxy.example:3128', 'PROXY_UNKNOWN_SCHEME'],
    ['proxy.example', 'PROXY_UNKNOWN_SCHEME'],
    ['envv', 'PROXY_UNKNOWN_SCHEME'],
    ['http://', 'PROXY_BAD_SETTING'],
    ['http://:3128', 'PROXY_BAD_SETTING'],
    ['http://proxy:0', 'PROXY_BAD_SETTING'],
    ['http://proxy:65536', 'PROXY_BAD_SETTING'],
    ['http://proxy:', 'PROXY_BAD_SETTING'],
    ['http://proxy:31a', 'PROXY_BAD_SETTING'],
    ['http://proxy:-1', 'PROXY_BAD_SETTING'],
    ['http://::1:3128', 'PROXY_BAD_SETTING'],
    ['http://[::1', 'PROXY_BAD_SETTING'],
    ['http://[proxy]:1', 'PROXY_BAD_SETTING'],
    ['http://[::1]x', 'PROXY_BAD_SETTING'],
    ['http://proxy/path', 'PROXY_BAD_SETTING'],
    ['http://proxy:1?x=1', 'PROXY_BAD_SETTING'],
    ['http://pro xy', 'PROXY_BAD_SETTING'],
    ['http://999.1.1.1', 'PROXY_BAD_SETTING'],
    ['http://user:%zz@proxy', 'PROXY_BAD_SETTING'],
    ['http://%E0%A4%A@proxy', 'PROXY_BAD_SETTING'],
    ['http://:pass@proxy', 'PROXY_BAD_SETTING'],
    ['http://@proxy', 'PROXY_BAD_SETTING'],
    [`socks5://${'u'.repeat(256)}:p@proxy`, 'PROXY_BAD_SETTING'],
  ])('%j → %s', (value, code) => {
    expect(errorCode(parseProxySetting(value, {}))).toBe(code);
  });

  it('never puts credentials into error messages', () => {
    const result = parseProxySetting('http://alice:hunter2%zz@proxy', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toMatch(/alice|hunter2/);
  });
});

describe('parseProxySetting: env', () => {
  const target = { host: 'app.netdata.cloud' };

  it('is direct when no variable is set or all are empty', () => {
    expect(ok(parseProxySetting('env', {}))).toEqual({ kind: 'direct' });
    expect(ok(parseProxySetting('ENV', { https_proxy: '', HTTP_PROXY: '  ' }))).toEqual({ kind: 'direct' });
  });

  it.each([
    [{ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:1', http_proxy: 'http://c:1' }, 'a'],
    [{ HTTPS_PROXY: 'http://b:1', http_proxy: 'http://c:1' }, 'b'],
    [{ http_proxy: 'http://c:1', HTTP_PROXY: 'http://d:1', all_proxy: 'http://e:1' }, 'c'],
    [{ HTTP_PROXY: 'http://d:1', all_proxy: 'http://e:1' }, 'd'],
    [{ all_proxy: 'socks5h://e:1', ALL_PROXY: 'http://f:1' }, 'e'],
    [{ ALL_PROXY: 'http://f:1' }, 'f'],
    [{ https_proxy: '', HTTPS_PROXY: 'http://b:1' }, 'b'],
  ])('order %j → %s', (env, host) => {
    const proxy = ok(parseProxySetting('env', env));
    expect(proxy.kind === 'direct' ? '' : proxy.host).toBe(host);
  });

  it('reads a bare host[:port] in a variable as http (curl convention)', () => {
    expect(ok(parseProxySetting('env', { https_proxy: 'proxy.corp:3128' }))).toEqual({ kind: 'http', host: 'proxy.corp', port: 3128 });
    expect(ok(parseProxySetting('env', { https_proxy: 'proxy.corp' }))).toEqual({ kind: 'http', host: 'proxy.corp', port: 8080 });
    expect(ok(parseProxySetting('env', { https_proxy: '[::1]:3' }))).toEqual({ kind: 'http', host: '::1', port: 3 });
  });

  it('reports bad variables with the variable name, never silently direct', () => {
    const result = parseProxySetting('env', { HTTPS_PROXY: 'https://proxy:443' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('PROXY_UNKNOWN_SCHEME');
      expect(result.error.message).toContain('HTTPS_PROXY');
    }
  });

  it.each([
    ['*', true],
    ['app.netdata.cloud', true],
    ['APP.NETDATA.CLOUD.', true],
    ['netdata.cloud', true],
    ['.netdata.cloud', true],
    ['*.netdata.cloud', true],
    ['other.example, netdata.cloud', true],
    ['other.example netdata.cloud', true],
    ['cloud', true],
    ['data.cloud', false],
    ['pp.netdata.cloud', false],
    ['app.netdata.cloud:443', true],
    ['app.netdata.cloud:8443', false],
    ['app.netdata.cloud:44x', false],
    ['localhost,127.0.0.1', false],
    ['', false],
    [' , ,', false],
  ])('no_proxy %j for app.netdata.cloud → bypass %s', (noProxy, bypass) => {
    const proxy = ok(parseProxySetting('env', { https_proxy: 'http://p:1', no_proxy: noProxy }, target));
    expect(proxy.kind === 'direct').toBe(bypass);
  });

  it.each([
    [{ host: '10.1.2.3' }, '10.0.0.0/8', true],
    [{ host: '11.1.2.3' }, '10.0.0.0/8', false],
    [{ host: '10.1.2.3' }, '10.1.2.3', true],
    [{ host: '10.1.2.3' }, '10.1.2.4', false],
    [{ host: '::1' }, '::1', true],
    [{ host: '[::1]' }, '[::1]', true],
    [{ host: '::1', port: 8443 }, '[::1]:8443', true],
    [{ host: '::1' }, '[::1]:8443', false],
    [{ host: 'fd00::5' }, 'fd00::/8', true],
    [{ host: '10.1.2.3' }, 'fd00::/8', false],
    [{ host: '10.1.2.3' }, '10.0.0.0/99', false],
    [{ host: 'cloud.local', port: 8443 }, 'cloud.local:8443', true],
  ])('no_proxy with IPs and ports: %j / %j → %s', (host, noProxy, bypass) => {
    const proxy = ok(parseProxySetting('env', { HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy }, host));
    expect(proxy.kind === 'direct').toBe(bypass);
  });

  it('prefers no_proxy over NO_PROXY and ignores both without a target', () => {
    const env = { https_proxy: 'http://p:1', no_proxy: 'other.example', NO_PROXY: '*' };
    expect(ok(parseProxySetting('env', env, target)).kind).toBe('http');
    expect(ok(parseProxySetting('env', { https_proxy: 'http://p:1', NO_PROXY: '*' })).kind).toBe('http');
    expect(ok(parseProxySetting('env', { https_proxy: 'http://p:1', NO_PROXY: '*' }, target)).kind).toBe('direct');
  });

  it('ignores the environment unless the setting is "env"', () => {
    expect(ok(parseProxySetting('none', { https_proxy: 'http://p:1' }))).toEqual({ kind: 'direct' });
  });
});

describe('redactProxy', () => {
  it.each([
    [{ kind: 'direct' }, 'direct'],
    [{ kind: 'http', host: 'proxy.example', port: 3128, username: 'u', password: 'secret' }, 'http://proxy.example:3128'],
    [{ kind: 'socks5h', host: '::1', port: 1080 }, 'socks5h://[::1]:1080'],
    [{ kind: 'socks5', host: '10.0.0.1', port: 1080, username: 'only-user' }, 'socks5://10.0.0.1:1080'],
  ] as [ResolvedProxy, string][])('%j → %s', (proxy, text) => {
    expect(redactProxy(proxy)).toBe(text);
  });
});
