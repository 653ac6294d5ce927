/**
 * The `CloudApi` port over node's `https` (PROTOCOL.md section 3). Every method rejects with a coded
 * LinkError; the cloud's error body, when any, is in `LinkError.cloud`.
 */
import type { Agent } from 'node:https';
import type { CloudApi, ChallengeRequest, EnvInfo, EnvRequest, Logger, MqttCredentials, PasswordRequest } from '../../effects/ports.js';
import { LinkError } from '../../effects/errors.js';
import { agentTlsOptions, createKeepAliveAgent, type CloudTlsConfig, type CreateAgent } from './agent.js';
import { challengeUrl, parseChallengeAnswer, parsePasswordAnswer, passwordBody, passwordUrl } from './auth.js';
import { envUrl, parseEnvAnswer } from './env.js';
import { sendHttpsRequest, type HttpsResponse } from './https-request.js';

export interface CloudApiOptions {
  readonly tls: CloudTlsConfig;
  /** Supplies the agent (e.g. a proxy tunnel agent). Default: a keep-alive agent with one socket. */
  readonly createAgent?: CreateAgent;
  /** TCP connect (plus proxy tunnel and TLS handshake) budget. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Whole-request budget. Default 30 s. */
  readonly requestTimeoutMs?: number;
  readonly logger?: Logger;
  /** `User-Agent` of every request (identity/user-agent.ts userAgentFor). */
  readonly userAgent?: string;
  /** env's `cap=` (link/capabilities.ts envCapabilities). Default `proto`. */
  readonly capabilities?: readonly string[];
}

export function createCloudApi(options: CloudApiOptions): CloudApi {
  const tls = agentTlsOptions(options.tls);
  const makeAgent = options.createAgent ?? createKeepAliveAgent;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const logger = options.logger;
  let agent: Agent | undefined;

  const currentAgent = (): Agent => (agent ??= makeAgent(tls));

  async function send(what: string, url: URL, method: 'GET' | 'POST', signal: AbortSignal, body?: string): Promise<HttpsResponse> {
    logger?.debug(`cloud api: ${what}`, { method, url: `${url.origin}${url.pathname}` });
    const response = await sendHttpsRequest({
      url,
      method,
      agent: currentAgent(),
      signal,
      what,
      connectTimeoutMs,
      requestTimeoutMs,
      ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
      ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
    });
    logger?.debug(`cloud api: ${what} answered`, { status: response.status, reusedConnection: response.reusedSocket });
    return response;
  }

  return {
    async env(request: EnvRequest): Promise<EnvInfo> {
      const url = buildUrl('env request', () => envUrl(request.cloudUrl, request.agentVersion, request.claimId, options.capabilities));
      return parseEnvAnswer(await send('env request', url, 'GET', request.signal));
    },
    async challenge(request: ChallengeRequest): Promise<Uint8Array> {
      const url = buildUrl('challenge request', () => challengeUrl(request.authEndpoint, request.claimId));
      return parseChallengeAnswer(await send('challenge request', url, 'GET', request.signal));
    },
    async password(request: PasswordRequest): Promise<MqttCredentials> {
      const url = buildUrl('password request', () => passwordUrl(request.authEndpoint, request.claimId));
      const body = passwordBody(request.agentVersion, request.response);
      return parsePasswordAnswer(await send('password request', url, 'POST', request.signal, body), request.claimId);
    },
    closeIdle(): void {
      agent?.destroy();
      agent = undefined;
    },
  };
}

function buildUrl(what: string, build: () => URL): URL {
  try {
    return build();
  } catch (error) {
    throw new LinkError('INVALID_URL', `${what}: not a valid URL`, { cause: error });
  }
}
