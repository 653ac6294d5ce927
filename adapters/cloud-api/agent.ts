/** The https.Agent the cloud API requests go through, and the TLS settings it is made with. */
import { Agent } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** What an agent factory gets: a CA bundle (system roots plus the configured CA) and whether to verify. */
export interface AgentTlsOptions {
  readonly ca?: string | Buffer;
  /**
   * The TLS context made from `ca`, shared by every connection that trusts the same bundle: parsing
   * ~150 system roots costs tens of milliseconds and about a megabyte per context.
   */
  readonly secureContext?: SecureContext;
  readonly rejectUnauthorized: boolean;
}

export type CreateAgent = (tls: AgentTlsOptions) => Agent;

export interface CloudTlsConfig {
  /** An extra CA certificate (PEM). It is trusted in addition to the system's roots. */
  readonly ca?: string | Buffer;
  /** Accept a self-signed certificate and skip host name checks. */
  readonly insecure: boolean;
}

/**
 * The system roots plus a CA, and its TLS context: one of each per distinct CA (the string is ~200 KiB;
 * links in one process share both).
 */
interface Bundle {
  readonly ca: string;
  readonly secureContext: SecureContext;
}
const bundles = new Map<string, Bundle>();

function bundleWith(extra: string): Bundle {
  let bundle = bundles.get(extra);
  if (bundle === undefined) {
    const ca = [...rootCertificates, extra].join('\n');
    bundle = { ca, secureContext: createSecureContext({ ca }) };
    if (bundles.size >= 16) bundles.clear();
    bundles.set(extra, bundle);
  }
  return bundle;
}

export function agentTlsOptions(tls: CloudTlsConfig): AgentTlsOptions {
  if (tls.ca === undefined) return { rejectUnauthorized: !tls.insecure };
  const extra = typeof tls.ca === 'string' ? tls.ca : tls.ca.toString('utf8');
  const { ca, secureContext } = bundleWith(extra);
  return { ca, secureContext, rejectUnauthorized: !tls.insecure };
}

/**
 * The default: one kept-alive TLS connection (maxSockets 1), so the env, challenge and password requests
 * of one attempt share it where the server allows.
 */
export const createKeepAliveAgent: CreateAgent = (tls) =>
  new Agent({
    keepAlive: true,
    maxSockets: 1,
    maxFreeSockets: 1,
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.secureContext !== undefined ? { secureContext: tls.secureContext } : {}),
  });
