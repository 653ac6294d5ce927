/**
 * Where and how the real link connects, resolved from the configuration each time it is loaded:
 * the proxy for the cloud URL (PROTOCOL.md section 5), the TLS mode and the extra CA. Pure parsing
 * and file reading only: no network module is loaded here.
 */
import { ConfigError } from '../adapters/config/errors.js';
import { readConfigFile } from '../adapters/config/files.js';
import { parseProxySetting } from '../adapters/proxy/parse.js';
import type { ResolvedProxy } from '../adapters/proxy/types.js';
import type { ConfigSource, LinkConfig } from '../effects/ports.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface NetworkSettings {
  readonly cloudUrl: string;
  readonly proxy: ResolvedProxy;
  readonly insecure: boolean;
  /** Contents (PEM) of the extra CA file, if one is configured. */
  readonly ca?: string;
}

export interface Resolved {
  readonly config: LinkConfig;
  /** Null when the cloud is disabled in the configuration (nothing to resolve). */
  readonly network: NetworkSettings | null;
}

/** The host and port of a URL, as the proxy decision (no_proxy) needs them. */
export function targetOf(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port === '' ? 443 : Number(u.port) };
  } catch {
    return undefined;
  }
}

/** The proxy for `url`; a bad setting (or a bad *_proxy variable with `env`) is a ConfigError. */
export function resolveProxy(setting: string, env: Environment, url: string): ResolvedProxy {
  const result = parseProxySetting(setting, env, targetOf(url));
  if (result.ok) return result.proxy;
  const file = setting.trim().toLowerCase() === 'env' ? 'environment' : 'proxy setting';
  throw new ConfigError('CONFIG_BAD_VALUE', { file, section: 'cloud', key: 'proxy' }, `${result.error.code}: ${result.error.message}`, { cause: result.error });
}

/** The CA file, read as a configuration file: bounded, regular files only (CONFIG_NOT_REGULAR_FILE, CONFIG_TOO_LARGE...). */
export async function readCa(path: string): Promise<string> {
  const text = await readConfigFile(path);
  if (text === undefined) throw new ConfigError('CONFIG_MISSING', { file: path }, 'the CA certificate file does not exist');
  return text;
}

export async function resolveNetwork(config: LinkConfig, env: Environment, caPath: string | undefined): Promise<NetworkSettings | null> {
  if (!config.enabled) return null;
  const proxy = resolveProxy(config.proxy, env, config.cloudUrl);
  const caFile = caPath ?? config.caFile;
  const ca = caFile === undefined ? undefined : await readCa(caFile);
  return { cloudUrl: config.cloudUrl, proxy, insecure: config.insecure, ...(ca !== undefined ? { ca } : {}) };
}

/**
 * A ConfigSource that also resolves the network settings of every configuration it loads, keeps the
 * latest result, and tells `onResolved` (the lazy ports) about it. Resolution errors reject like
 * configuration errors (the link goes `disabled` with that reason).
 */
export class ResolvingConfigSource implements ConfigSource {
  latest: Resolved | null = null;

  constructor(
    private readonly inner: ConfigSource,
    private readonly env: Environment,
    private readonly caPath: string | undefined,
    private readonly onResolved: (resolved: Resolved) => void,
  ) {}

  async load(): Promise<LinkConfig> {
    const config = await this.inner.load();
    const network = await resolveNetwork(config, this.env, this.caPath);
    this.latest = { config, network };
    this.onResolved(this.latest);
    return config;
  }
}
