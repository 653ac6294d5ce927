/**
 * Auto-claim on start (PROTOCOL.md section 1: claim.conf or NETDATA_CLAIM_*). The claim adapter and
 * the proxy agent are loaded with `await import()` only when a claim is actually made.
 */
import { hostname as osHostname } from 'node:os';
import type * as https from 'node:https';
import { LinkError, toLinkError } from '../effects/errors.js';
import type { AutoClaim, LinkConfig, Logger } from '../effects/ports.js';
import { resolveProxy, type Environment } from './network.js';

export interface AutoClaimDeps {
  readonly config: LinkConfig;
  readonly cloudDir: string;
  readonly env: Environment;
  /** Extra CA (PEM contents). */
  readonly ca?: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Tries and pause between them (defaults of the claim adapter: 5 tries, 2 s). */
  readonly retries?: number;
  readonly pauseMs?: number;
  /** The machine GUID, or the file it is kept in (claim options of the same names). */
  readonly machineGuid?: string;
  readonly machineGuidFile?: string;
  /** `User-Agent` of the claim request. */
  readonly userAgent?: string;
}

export type AutoClaimResult = { readonly ok: true; readonly claimId: string } | { readonly ok: false; readonly error: LinkError };

/** Whether start() should claim: enabled, not claimed, and an auto-claim token is configured. */
export function wantsAutoClaim(config: LinkConfig): config is LinkConfig & { autoClaim: AutoClaim } {
  return config.enabled && config.claimId === null && config.autoClaim !== null;
}

export async function autoClaim(deps: AutoClaimDeps): Promise<AutoClaimResult> {
  const { config, logger } = deps;
  const request = config.autoClaim;
  if (request === null) return { ok: false, error: new LinkError('CLAIM_NOT_CONFIGURED', 'no auto-claim token is configured') };
  try {
    // claim.conf / NETDATA_CLAIM_PROXY wins for the claim itself; otherwise the link's proxy setting.
    const proxy = resolveProxy(request.proxy ?? config.proxy, deps.env, request.url);
    const [{ claim }, { createTunnelAgent }] = await Promise.all([
      import('../adapters/claim/claim.js'),
      import('../adapters/proxy/agent.js'),
    ]);
    logger.info('auto-claim: claiming this node', { url: request.url, rooms: request.rooms.length });
    const { claimId } = await claim({
      url: request.url,
      token: request.token,
      rooms: request.rooms,
      ...(request.proxy !== undefined ? { proxy: request.proxy } : {}),
      insecure: request.insecure || config.insecure,
      ...(deps.ca !== undefined ? { ca: deps.ca } : {}),
      cloudDir: deps.cloudDir,
      hostname: config.hostname ?? osHostname(),
      createAgent: (tls) => createTunnelAgent(proxy, tls) as https.Agent,
      logger,
      ...(deps.retries !== undefined ? { retries: deps.retries } : {}),
      ...(deps.pauseMs !== undefined ? { pauseMs: deps.pauseMs } : {}),
      ...(deps.machineGuid !== undefined ? { machineGuid: deps.machineGuid } : {}),
      ...(deps.machineGuidFile !== undefined ? { machineGuidFile: deps.machineGuidFile } : {}),
      ...(deps.userAgent !== undefined ? { userAgent: deps.userAgent } : {}),
    });
    return { ok: true, claimId };
  } catch (error) {
    const failure = toLinkError(error, 'CLAIM_FAILED', deps.now());
    logger.error(`auto-claim failed: ${failure.message}`, { code: failure.code });
    return { ok: false, error: failure };
  }
}
