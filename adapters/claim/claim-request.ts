/** One claim try: `PUT <url>/api/v1/spaces/nodes/<claim_id>` (PROTOCOL.md section 2, step 3). */
import { Agent } from 'node:https';
import { agentTlsOptions, type CloudTlsConfig, type CreateAgent } from '../cloud-api/agent.js';
import { trimSlash } from '../cloud-api/env.js';
import { sendHttpsRequest, type HttpsResponse } from '../cloud-api/https-request.js';

export interface ClaimRequest {
  readonly url: string;
  readonly claimId: string;
  readonly token: string;
  readonly hostname: string;
  readonly rooms: readonly string[];
  readonly publicKeyPem: string;
  readonly machineGuid?: string;
  readonly tls: CloudTlsConfig;
  readonly createAgent?: CreateAgent;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** `User-Agent` (identity/user-agent.ts); default DEFAULT_USER_AGENT. */
  readonly userAgent?: string;
}

export function claimUrl(baseUrl: string, claimId: string): URL {
  return new URL(`${trimSlash(baseUrl)}/api/v1/spaces/nodes/${encodeURIComponent(claimId)}`);
}

export function claimBody(request: Pick<ClaimRequest, 'claimId' | 'hostname' | 'token' | 'rooms' | 'publicKeyPem' | 'machineGuid'>): string {
  return JSON.stringify({
    node: { id: request.claimId, hostname: request.hostname },
    token: request.token,
    rooms: [...request.rooms],
    publicKey: request.publicKeyPem,
    ...(request.machineGuid !== undefined ? { mGUID: request.machineGuid } : {}),
  });
}

/** Sends the PUT over a fresh agent (no keep-alive: a claim is one request) and destroys it afterwards. */
export async function sendClaimRequest(request: ClaimRequest): Promise<HttpsResponse> {
  const tls = agentTlsOptions(request.tls);
  const agent = request.createAgent?.(tls) ?? new Agent({ keepAlive: false, ...tls });
  try {
    return await sendHttpsRequest({
      url: claimUrl(request.url, request.claimId),
      method: 'PUT',
      agent,
      headers: { 'content-type': 'application/json' },
      body: claimBody(request),
      connectTimeoutMs: request.connectTimeoutMs,
      requestTimeoutMs: request.requestTimeoutMs,
      what: 'claim request',
      ...(request.userAgent !== undefined ? { userAgent: request.userAgent } : {}),
      ...(request.signal !== undefined ? { signal: request.signal } : {}),
    });
  } finally {
    agent.destroy();
  }
}
