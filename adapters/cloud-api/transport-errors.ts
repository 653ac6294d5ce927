/**
 * Translate Node.js network and TLS errors into coded LinkErrors. A raw Node.js code never leaks out as
 * a link code; it is kept in the message (for people) and as the cause.
 */
import { LinkError } from '../../effects/errors.js';

/** OpenSSL / Node.js certificate verification failures: the peer is not who it claims to be. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
]);

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const CONNECT_TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);

function nodeCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The advice a TLS_VERIFY_FAILED message ends with, exactly once (callers with a better one for their
 * context, such as the CLI's `--ca`, replace it rather than add theirs).
 */
export const TLS_VERIFY_ADVICE = 'Configure the cloud\'s CA certificate, or set insecure only for a test cloud';

/**
 * @param what a short description of the request for the message, e.g. `env request to https://host`.
 */
export function mapTransportError(error: unknown, what: string): LinkError {
  if (error instanceof LinkError) return error;
  const code = nodeCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TLS_VERIFY_CODES.has(code)) {
    return new LinkError(
      'TLS_VERIFY_FAILED',
      `${what}: TLS certificate verification failed (${code}): ${detail}. ${TLS_VERIFY_ADVICE}`,
      { cause: error },
    );
  }
  if (code !== undefined && DNS_CODES.has(code)) {
    return new LinkError('DNS_FAILED', `${what}: cannot resolve the host name (${code})`, { cause: error });
  }
  if (code !== undefined && REFUSED_CODES.has(code)) {
    return new LinkError('CONNECT_REFUSED', `${what}: connection refused`, { cause: error });
  }
  if (code !== undefined && CONNECT_TIMEOUT_CODES.has(code)) {
    return new LinkError('CONNECT_TIMEOUT', `${what}: connection timed out (${code})`, { cause: error });
  }
  return new LinkError('NETWORK_ERROR', `${what}: ${code !== undefined ? `${code}: ` : ''}${detail}`, { cause: error });
}
