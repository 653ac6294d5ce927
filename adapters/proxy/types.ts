import type { SecureContext } from 'node:tls';
import type { LinkError } from '../../effects/errors.js';

/** Where a connection goes: straight to the target, or through one proxy (PROTOCOL.md section 5). */
export type ResolvedProxy =
  | { readonly kind: 'direct' }
  | {
      readonly kind: 'http' | 'socks5' | 'socks5h';
      /** Host name or IP address; an IPv6 literal without brackets. Lowercase. */
      readonly host: string;
      readonly port: number;
      /** Percent-decoded. Never logged: use `redactProxy` for display. */
      readonly username?: string;
      readonly password?: string;
    };

export type ProxyKind = Exclude<ResolvedProxy, { kind: 'direct' }>['kind'];
export type TunnelProxy = Extract<ResolvedProxy, { kind: ProxyKind }>;

export type ProxyResult =
  | { readonly ok: true; readonly proxy: ResolvedProxy }
  | { readonly ok: false; readonly error: LinkError };

/** The connection the proxy decision is for; `port` defaults to 443 for `host:port` no_proxy entries. */
export interface ProxyTarget {
  readonly host: string;
  readonly port?: number;
}

export const DEFAULT_PORTS: Readonly<Record<ProxyKind, number>> = { http: 8080, socks5: 1080, socks5h: 1080 };

/** TLS settings for the target (the cloud), applied to the TLS session that runs inside the tunnel. */
export interface TargetTlsOptions {
  readonly rejectUnauthorized: boolean;
  readonly ca?: string | Buffer;
  /** A prepared context for `ca` (see AgentTlsOptions); used instead of building one per connection. */
  readonly secureContext?: SecureContext;
  readonly servername?: string;
}
