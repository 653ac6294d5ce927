/**
 * The `proxy` setting (PROTOCOL.md section 5) turned into a ResolvedProxy. Pure; never throws.
 *
 * Decisions where the protocol is silent:
 * - `none` and `env` are case-insensitive; surrounding whitespace is ignored.
 * - In the setting itself a value without `scheme://` is PROXY_UNKNOWN_SCHEME: a typo such as
 *   `proxy = envv` must not become an HTTP proxy named "envv". In the *_proxy environment variables a
 *   bare `host[:port]` means http, as curl and most tools read them.
 * - For `env`, an empty variable counts as unset (the next one is tried).
 * - no_proxy is consulted only when the target is known; a match means a direct connection.
 */
import { LinkError } from '../../effects/errors.js';
import { matchesNoProxy } from './no-proxy.js';
import type { ProxyResult, ProxyTarget } from './types.js';
import { parseProxyUrl } from './url.js';

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

const ENV_ORDER = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const;
const DIRECT: ProxyResult = { ok: true, proxy: { kind: 'direct' } };

export function parseProxySetting(value: string, env: ProxyEnv, target?: ProxyTarget): ProxyResult {
  try {
    const setting = value.trim();
    const keyword = setting.toLowerCase();
    if (setting === '' || keyword === 'none') return DIRECT;
    if (keyword !== 'env') return parseProxyUrl(setting, { source: 'proxy setting', bareMeansHttp: false });
    return fromEnvironment(env, target);
  } catch (error) {
    // Defensive: nothing above is expected to throw, but this function promises never to.
    return { ok: false, error: new LinkError('PROXY_BAD_SETTING', 'proxy setting could not be parsed', { cause: error }) };
  }
}

function fromEnvironment(env: ProxyEnv, target: ProxyTarget | undefined): ProxyResult {
  const name = ENV_ORDER.find((candidate) => (env[candidate] ?? '').trim() !== '');
  if (name === undefined) return DIRECT;
  if (target !== undefined) {
    const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
    if (noProxy !== undefined && matchesNoProxy(noProxy, target)) return DIRECT;
  }
  return parseProxyUrl(env[name] ?? '', { source: `environment variable ${name}`, bareMeansHttp: true });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
