/**
 * Claiming: make this node known to the cloud (PROTOCOL.md section 2). Keys and cloud.conf are written
 * atomically; the token is only sent, never written or logged.
 */
import { randomUUID } from 'node:crypto';
import { LinkError, isLinkError } from '../../effects/errors.js';
import type { Logger } from '../../effects/ports.js';
import type { CreateAgent } from '../cloud-api/agent.js';
import { FileReadError } from '../fs/bounded-read.js';
import { ensurePrivateDir } from '../identity/atomic-file.js';
import { loadOrCreateKeyPair, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../identity/keypair.js';
import { resolveMachineGuid } from '../identity/machine-guid.js';
import { removeStaleTempFiles } from '../identity/stale-temp.js';
import { claimOutcome, transportOutcome, type ClaimOutcome } from './claim-errors.js';
import { sendClaimRequest } from './claim-request.js';
import { CLOUD_CONF_FILE, writeCloudConf } from './cloud-conf.js';
import { validateClaimOptions } from './claim-options.js';

export interface ClaimOptions {
  /** Cloud base URL (https:). */
  readonly url: string;
  readonly token: string;
  readonly rooms: readonly string[];
  /** The raw proxy setting stored in cloud.conf (default `env`); the tunnel itself comes through `createAgent`. */
  readonly proxy?: string;
  readonly insecure?: boolean;
  /** Extra CA certificate (PEM) trusted besides the system roots. */
  readonly ca?: string | Buffer;
  readonly cloudDir: string;
  readonly hostname: string;
  /** The node's machine GUID, sent as `mGUID`; checked (MACHINE_GUID_INVALID), no file is touched. */
  readonly machineGuid?: string;
  /**
   * Where the machine GUID is kept when `machineGuid` is not given: read, or created when absent
   * (adapters/identity/machine-guid.ts). Default `<cloudDir>/../registry/netdata.public.unique.id`.
   */
  readonly machineGuidFile?: string;
  readonly createAgent?: CreateAgent;
  /** Whole-request budget of one try. Default 30 s. */
  readonly fetchTimeoutMs?: number;
  /** Connect (and TLS handshake) budget of one try. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Tries in all (default 5). */
  readonly retries?: number;
  /** Pause between tries (default 2 s). */
  readonly pauseMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** `User-Agent` of the claim request (identity/user-agent.ts userAgentFor). */
  readonly userAgent?: string;
  /** Claim id source (default: crypto.randomUUID, a UUIDv4). */
  readonly newClaimId?: () => string;
}

export interface ClaimResult {
  readonly claimId: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function claim(options: ClaimOptions): Promise<ClaimResult> {
  validateClaimOptions(options);
  const tries = Math.max(1, Math.floor(options.retries ?? 5));
  const sleep = options.sleep ?? defaultSleep;
  const newClaimId = options.newClaimId ?? randomUUID;
  const logger = options.logger;
  const insecure = options.insecure ?? false;

  const keys = await prepareIdentity(options);
  // Like the agent (claim-with-api.c), every claim request carries the machine GUID. A bad GUID file
  // stops the claim before any request (the cloud dir's own problems are reported first).
  const machineGuid = await resolveMachineGuid(options, logger !== undefined ? { logger } : {});
  let lastReason = 'no try was made';
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    if (attempt > 1) await sleep(options.pauseMs ?? 2000);
    if (options.signal?.aborted) throw new LinkError('ABORTED', 'claim aborted');
    const claimId = newClaimId();
    logger?.info('claiming node', { attempt, tries, claimId, url: options.url });
    const outcome = await tryOnce({ ...options, machineGuid }, claimId, keys.publicKeyPem, insecure);
    if (outcome.kind === 'final') throw outcome.error;
    if (outcome.kind === 'claimed') {
      await writeCloudConf(options.cloudDir, {
        url: options.url,
        proxy: options.proxy ?? 'env',
        insecure,
        claimedId: claimId,
        hostname: options.hostname,
      });
      logger?.info('node claimed', { claimId });
      return { claimId };
    }
    lastReason = outcome.reason;
    logger?.warn('claim try failed, will retry', { attempt, tries, reason: outcome.reason });
  }
  throw new LinkError(
    'CLAIM_FAILED_RETRIES',
    `claiming failed after ${tries} tries; last cause: ${lastReason}. Check the network, the proxy and the cloud URL, then claim again`,
  );
}

async function prepareIdentity(options: ClaimOptions): Promise<{ publicKeyPem: string }> {
  try {
    await ensurePrivateDir(options.cloudDir);
    // A claim killed while writing leaves `.private.pem.<hex>.tmp` and the like: clear them.
    const stale = await removeStaleTempFiles(options.cloudDir, [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, CLOUD_CONF_FILE]);
    if (stale.length > 0) options.logger?.info('removed stale temporary files', { files: stale });
    return await loadOrCreateKeyPair(options.cloudDir, options.logger);
  } catch (error) {
    const detail = isLinkError(error) ? error.message : (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    const hint = error instanceof FileReadError ? 'remove that file or put a regular key file there' : 'check that the directory is writable';
    throw new LinkError('CLAIM_IDENTITY_FAILED', `cannot prepare the node's key pair in ${options.cloudDir} (${detail}): ${hint}`, { cause: error });
  }
}

async function tryOnce(options: ClaimOptions & { readonly machineGuid: string }, claimId: string, publicKeyPem: string, insecure: boolean): Promise<ClaimOutcome> {
  try {
    const response = await sendClaimRequest({
      url: options.url,
      claimId,
      token: options.token,
      hostname: options.hostname,
      rooms: options.rooms,
      publicKeyPem,
      tls: { insecure, ...(options.ca !== undefined ? { ca: options.ca } : {}) },
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: options.fetchTimeoutMs ?? 30_000,
      machineGuid: options.machineGuid,
      ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
      ...(options.createAgent !== undefined ? { createAgent: options.createAgent } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    return claimOutcome(response, options);
  } catch (error) {
    if (isLinkError(error)) return transportOutcome(error);
    return transportOutcome(new LinkError('NETWORK_ERROR', error instanceof Error ? error.message : String(error), { cause: error }));
  }
}
