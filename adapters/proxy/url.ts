/**
 * Parse one proxy URL: `scheme://[user[:password]@]host[:port][/]`.
 *
 * Hand-written rather than `new URL()` because the rules differ from WHATWG parsing: credentials
 * are split at the LAST `@` (so an unencoded `@`, `/`, `#` or `?` in a password still works), a
 * bad percent-escape is an error (WHATWG keeps it), and anything but a bare authority is rejected.
 * Error messages never contain the credentials.
 */
import { isIP, isIPv6 } from 'node:net';
import { LinkError } from '../../effects/errors.js';
import { DEFAULT_PORTS, type ProxyKind, type ProxyResult } from './types.js';

export interface ProxyUrlOptions {
  /** Human name of where the value came from, for messages ("proxy setting", "https_proxy"). */
  readonly source: string;
  /** true: a value without `scheme://` means `http://` (the curl convention for *_proxy variables). */
  readonly bareMeansHttp: boolean;
}

const SCHEMES: Readonly<Record<string, ProxyKind>> = { http: 'http', socks5: 'socks5', socks5h: 'socks5h' };
const HOSTNAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;
/** RFC 1929 carries user name and password in one length byte each. */
const SOCKS_CREDENTIAL_MAX_BYTES = 255;

const fail = (code: string, message: string): ProxyResult => ({ ok: false, error: new LinkError(code, message) });
const bad = (source: string, what: string): ProxyResult => fail('PROXY_BAD_SETTING', `${source}: ${what}`);

export function parseProxyUrl(raw: string, options: ProxyUrlOptions): ProxyResult {
  const { source } = options;
  const value = raw.trim();
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  let kind: ProxyKind;
  let rest: string;
  if (schemeMatch) {
    const scheme = (schemeMatch[1] ?? '').toLowerCase();
    const known = SCHEMES[scheme];
    if (known === undefined) {
      return fail('PROXY_UNKNOWN_SCHEME', `${source}: unsupported proxy scheme "${scheme}://" (use http://, socks5:// or socks5h://)`);
    }
    kind = known;
    rest = value.slice(schemeMatch[0].length);
  } else if (options.bareMeansHttp && !/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(value)) {
    kind = 'http';
    rest = value;
  } else {
    return fail('PROXY_UNKNOWN_SCHEME', `${source}: a proxy must start with http://, socks5:// or socks5h:// (or be "none" or "env")`);
  }

  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : rest.slice(0, at);
  let hostport = rest.slice(at + 1); // without "@" (at = -1): the whole rest
  if (hostport.endsWith('/')) hostport = hostport.slice(0, -1);
  if (/[/?#\s]/.test(hostport)) return bad(source, 'a proxy URL has no path, query, fragment or spaces');

  const address = parseHostPort(hostport, DEFAULT_PORTS[kind]);
  if (typeof address === 'string') return bad(source, address);

  if (userinfo === undefined) return { ok: true, proxy: { kind, ...address } };
  const credentials = parseUserinfo(userinfo, kind);
  if (typeof credentials === 'string') return bad(source, credentials);
  return { ok: true, proxy: { kind, ...address, ...credentials } };
}

function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | string {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return 'unterminated "[" in the proxy host';
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (!isIPv6(host)) return 'only an IPv6 address may be written in brackets';
    if (after !== '') {
      if (!after.startsWith(':')) return 'unexpected text after "]" in the proxy host';
      portText = after.slice(1);
    }
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) return 'an IPv6 proxy address must be written in brackets, e.g. [::1]:3128';
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    host = host.toLowerCase();
    if (host === '') return 'the proxy host is empty';
    const looksNumeric = /^[\d.]+$/.test(host);
    if (isIP(host) === 0 && (looksNumeric || !HOSTNAME.test(host))) return `invalid proxy host "${host}"`;
  }
  if (portText === undefined) return { host: host.toLowerCase(), port: defaultPort };
  if (!/^\d{1,5}$/.test(portText)) return 'the proxy port must be a number from 1 to 65535';
  const port = Number(portText);
  if (port < 1 || port > 65535) return 'the proxy port must be a number from 1 to 65535';
  return { host: host.toLowerCase(), port };
}

function parseUserinfo(userinfo: string, kind: ProxyKind): { username: string; password?: string } | string {
  const colon = userinfo.indexOf(':');
  const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const password = colon === -1 ? undefined : decode(userinfo.slice(colon + 1));
  if (username === null) return 'bad percent-encoding in the proxy user name';
  if (password === null) return 'bad percent-encoding in the proxy password';
  if (username === '') return 'the proxy user name before "@" is empty';
  if (!isWellFormed(username) || (password !== undefined && !isWellFormed(password))) {
    return 'the proxy credentials are not valid Unicode';
  }
  if (kind !== 'http') {
    const tooLong = (s: string | undefined) => s !== undefined && Buffer.byteLength(s) > SOCKS_CREDENTIAL_MAX_BYTES;
    if (tooLong(username) || tooLong(password)) return 'SOCKS5 user name and password are limited to 255 bytes each';
  }
  return password === undefined ? { username } : { username, password };
}

/** Percent-decode; null on a bad escape or invalid UTF-8. */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** No lone surrogates (they cannot be encoded into a header or a SOCKS request). */
function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}
