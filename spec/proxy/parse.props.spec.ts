/** Properties of the proxy parser: total, never leaks credentials, and round-trips what it is given. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { LinkError } from '../../effects/errors.js';
import { parseProxySetting, redactProxy } from '../../adapters/proxy/index.js';

const ENV_NAMES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];
const proxyish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.tuple(fc.constantFrom('http://', 'SOCKS5://', 'socks5h://', 'https://', '', 'env', 'none'), fc.string(), fc.string())
    .map(([scheme, a, b]) => `${scheme}${a}@${b}`),
);
const env = fc.dictionary(fc.constantFrom(...ENV_NAMES), proxyish);
const target = fc.option(fc.record({ host: fc.string(), port: fc.option(fc.integer(), { nil: undefined }) }), { nil: undefined });

const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((v6) => `[${v6}]`));
const credential = fc.string({ unit: 'binary', minLength: 1, maxLength: 50 });
const scheme = fc.constantFrom('http', 'HTTP', 'Http', 'socks5', 'SOCKS5', 'socks5h', 'Socks5H');

describe('parseProxySetting properties', () => {
  test.prop([proxyish, env, target])('never throws; failures are coded LinkErrors', (value, environment, to) => {
    const result = parseProxySetting(value, environment, to);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(LinkError);
      expect(['PROXY_BAD_SETTING', 'PROXY_UNKNOWN_SCHEME']).toContain(result.error.code);
    }
    for (const setting of ['env', 'ENV']) expect(typeof parseProxySetting(setting, environment, to).ok).toBe('boolean');
  });

  test.prop([scheme, host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), credential, fc.option(credential, { nil: undefined })])(
    'round-trips host, port and percent-encoded credentials; redaction drops the credentials',
    (schemeName, hostText, port, username, password) => {
      const userinfo = password === undefined
        ? encodeURIComponent(username)
        : `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
      const url = `${schemeName}://${userinfo}@${hostText}${port === undefined ? '' : `:${port}`}`;
      const result = parseProxySetting(url, {});
      if (!result.ok) throw result.error;
      const kind = schemeName.toLowerCase();
      const bareHost = hostText.replace(/^\[|\]$/g, '').toLowerCase();
      const expectedPort = port ?? (kind === 'http' ? 8080 : 1080);
      expect(result.proxy).toEqual({ kind, host: bareHost, port: expectedPort, username, ...(password === undefined ? {} : { password }) });
      const shownHost = bareHost.includes(':') ? `[${bareHost}]` : bareHost;
      expect(redactProxy(result.proxy)).toBe(`${kind}://${shownHost}:${expectedPort}`);
    },
  );

  test.prop([fc.string({ unit: 'binary', minLength: 8, maxLength: 30 }).map((s) => `Zq${s}`), host])(
    'a distinctive password never appears in the redacted form or in an error message',
    (secret, hostText) => {
      for (const url of [`http://user:${encodeURIComponent(secret)}@${hostText}`, `http://user:${secret}%zz@${hostText}`]) {
        const result = parseProxySetting(url, {});
        const shown = result.ok ? redactProxy(result.proxy) : result.error.message;
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain(encodeURIComponent(secret));
      }
    },
  );
});
