/**
 * The recording's sanitiser: whatever reaches a recording passes through here. It drops keys that
 * name secrets, removes `user:pass@` from URLs, PEM blocks and bearer tokens from strings, and
 * replaces the connection fingerprint by a per-recording pseudonym (equality is all the statechart
 * needs of it; the unsalted hash of a proxy URL with a password is not written).
 */

/** Keys dropped wherever they appear (case-insensitive substring match). */
const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|secret|token|authori[sz]ation|credential|cookie|private|pem$|^key$|api[-_]?key|session_?key|signature/i;
/** Keys the statechart needs that look like secrets but are not (connectionKey is pseudonymised). */
const ALLOWED_KEYS = new Set(['connectionKey', 'errorMsgKey']);

/**
 * `scheme://` and what follows on the same line, up to the next `scheme://`. The userinfo of a proxy URL
 * ends at its LAST `@` (netdata and our parser split there), and a password may hold `@`, `/` or spaces:
 * so everything between `scheme://` and the last `@` of that run is removed. Over-redacting a message
 * that mentions an address after a URL is the price of never leaving part of a password behind.
 */
const URL_RUN = /([a-z][a-z0-9+.-]*:\/\/)((?:(?![a-z][a-z0-9+.-]*:\/\/)[^\r\n])*)/gi;
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
/** `Bearer <token>` anywhere (also right after a letter or digit). */
const BEARER = /(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
/**
 * An Authorization (or Proxy-Authorization) header or field, whatever its scheme, the scheme word kept:
 * one-token schemes (Bearer, Basic, Token) lose their token; any other (Digest...) the rest of the line.
 */
const AUTHORIZATION = /((?:proxy-)?authori[sz]ation\s*[:=]\s*)([A-Za-z][A-Za-z0-9-]*)(\s+)([^\r\n]*)/gi;
const ONE_TOKEN = new Set(['bearer', 'basic', 'token']);
const redactAuthorization = (_m: string, head: string, scheme: string, space: string, rest: string): string =>
  `${head}${scheme}${space}[redacted]${ONE_TOKEN.has(scheme.toLowerCase()) ? rest.replace(/^[A-Za-z0-9._~+/=-]+/, '') : ''}`;

function withoutUserinfo(run: string, scheme: string, rest: string): string {
  const at = rest.lastIndexOf('@');
  return at === -1 ? run : `${scheme}${rest.slice(at + 1)}`;
}

export function isSecretKey(key: string): boolean {
  return !ALLOWED_KEYS.has(key) && SECRET_KEY.test(key);
}

/** Cheap pre-check: most strings (codes, states, messages) contain none of the markers. */
const MAYBE_SECRET = /@|-----BEGIN|bearer|authorization/i;

export function sanitizeString(value: string): string {
  if (!MAYBE_SECRET.test(value)) return value;
  return value.replace(PEM_BLOCK, '[redacted PEM]')
    .replace(URL_RUN, (run: string, scheme: string, rest: string) => withoutUserinfo(run, scheme, rest))
    .replace(AUTHORIZATION, redactAuthorization)
    .replace(BEARER, '$1 [redacted]');
}

export class Sanitizer {
  private readonly pseudonyms = new Map<string, string>();

  /** `c1`, `c2`... in order of first appearance: stable within one recording. */
  pseudonym(value: string): string {
    let name = this.pseudonyms.get(value);
    if (name === undefined) {
      name = `c${this.pseudonyms.size + 1}`;
      this.pseudonyms.set(value, name);
    }
    return name;
  }

  /** A JSON-safe, secret-free copy of `value`. */
  clean(value: unknown, depth = 0): unknown {
    if (depth > 12) return '[too deep]';
    if (typeof value === 'string') return sanitizeString(value);
    if (typeof value === 'number') return Number.isFinite(value) ? value : null;
    if (typeof value === 'boolean' || value === null) return value;
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
    if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
    if (Array.isArray(value)) return value.map((v) => this.clean(v, depth + 1) ?? null);
    // As JSON does: an xstate snapshot or actor ref becomes its JSON form (not its machine and system graph).
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.clean(toJSON.call(value) as unknown, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretKey(key)) continue;
      const cleaned = key === 'connectionKey' && typeof v === 'string' ? this.pseudonym(v) : this.clean(v, depth + 1);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    return out;
  }

  /** An invoked actor's error reduced to what the statechart reads: code, message, at, httpStatus, cloud body. */
  failure(error: unknown): Record<string, unknown> {
    const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    const cloud = typeof e.cloud === 'object' && e.cloud !== null ? e.cloud as Record<string, unknown> : undefined;
    const pick = (o: Record<string, unknown>, keys: readonly string[]) =>
      Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, this.clean(o[k])]));
    return {
      code: typeof e.code === 'string' ? e.code : 'INTERNAL',
      message: sanitizeString(typeof e.message === 'string' ? e.message : String(error)),
      ...pick(e, ['at', 'httpStatus']),
      ...(cloud ? { cloud: pick(cloud, ['errorCode', 'errorMsgKey', 'errorMessage', 'errorNonRetryable', 'errorRetryDelaySeconds']) } : {}),
    };
  }
}
