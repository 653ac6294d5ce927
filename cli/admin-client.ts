/**
 * A small client of the dev cloud's admin API (Bearer admin token), over the project's own HTTPS
 * request helper. It trusts the dev cloud's CA (`ca`) or, with `insecure`, any certificate. Failures
 * are coded: ADMIN_UNAUTHORIZED, ADMIN_NOT_FOUND, ADMIN_BAD_REQUEST, CMD_TIMEOUT, ADMIN_HTTP_ERROR,
 * and the transport codes (TLS_VERIFY_FAILED, CONNECT_REFUSED...).
 */
import { Agent } from 'node:https';
import { agentTlsOptions } from '../adapters/cloud-api/agent.js';
import { describeCloudError, parseCloudErrorBody } from '../adapters/cloud-api/cloud-error-body.js';
import { sendHttpsRequest } from '../adapters/cloud-api/https-request.js';
import { CliError, withTlsAdvice } from './errors.js';

export interface AdminTarget {
  readonly url: string;
  readonly adminToken: string;
  /** The dev cloud's CA (PEM contents). */
  readonly ca?: string;
  readonly insecure?: boolean;
}

export type AdminClient = <T = unknown>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, timeoutMs?: number) => Promise<T>;

const STATUS_CODES: Readonly<Record<number, string>> = { 400: 'ADMIN_BAD_REQUEST', 401: 'ADMIN_UNAUTHORIZED', 404: 'ADMIN_NOT_FOUND', 504: 'CMD_TIMEOUT' };
const HINTS: Readonly<Record<number, string>> = {
  401: ': use the adminToken that `aclk cloud` printed',
  404: ': check the node id (`aclk cloud-ctl nodes`)',
};

export function adminClient(target: AdminTarget): AdminClient {
  const tls = agentTlsOptions({ insecure: target.insecure === true, ...(target.ca !== undefined ? { ca: target.ca } : {}) });
  return async <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, timeoutMs = 15_000): Promise<T> => {
    const agent = new Agent({ keepAlive: false, ...tls });
    let response;
    try {
      response = await sendHttpsRequest({
        url: new URL(path, `${target.url}/`),
        method,
        agent,
        headers: { authorization: `Bearer ${target.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        connectTimeoutMs: 10_000,
        requestTimeoutMs: timeoutMs,
        what: `admin request ${method} ${path}`,
      });
    } catch (error) {
      throw withTlsAdvice(error, 'Pass --ca with the CA path that `aclk cloud` printed, or --insecure');
    } finally {
      agent.destroy();
    }
    const text = response.body.toString('utf8');
    if (response.status >= 400) {
      const detail = describeCloudError(response.status, parseCloudErrorBody(text));
      throw new CliError(STATUS_CODES[response.status] ?? 'ADMIN_HTTP_ERROR', `the dev cloud answered ${method} ${path} with ${detail}${HINTS[response.status] ?? ''}`);
    }
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError('ADMIN_BAD_JSON', `the dev cloud answered ${method} ${path} with something that is not JSON`);
    }
  };
}
