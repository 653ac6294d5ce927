/**
 * The framing shared by `cmd` requests and replies: a JSON header, `\r\n\r\n`, then a raw HTTP/1.1
 * message (start line, header lines, empty line, body). Bytes in, bytes out; the body is never decoded.
 */
import { LinkError } from '../../effects/errors.js';

export const SEPARATOR = new Uint8Array([13, 10, 13, 10]);
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function indexOfSeparator(bytes: Uint8Array, from = 0): number {
  for (let i = from; i + 3 < bytes.length; i += 1) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function toBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? utf8.encode(body) : body;
}

export function decodeText(bytes: Uint8Array, code: string, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new LinkError(code, `${what} is not valid UTF-8`);
  }
}

/** Split at the first `\r\n\r\n` and parse the JSON object before it. */
export function splitJsonHeader(payload: Uint8Array, code: string): { header: Record<string, unknown>; rest: Uint8Array } {
  if (!(payload instanceof Uint8Array)) throw new LinkError(code, 'payload is not bytes');
  const end = indexOfSeparator(payload);
  if (end < 0) throw new LinkError(code, 'no \\r\\n\\r\\n after the JSON header');
  let header: unknown;
  try {
    header = JSON.parse(decodeText(payload.subarray(0, end), code, 'the JSON header'));
  } catch (error) {
    if (error instanceof LinkError) throw error;
    throw new LinkError(code, `the header is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new LinkError(code, 'the header is not a JSON object');
  return { header: header as Record<string, unknown>, rest: payload.subarray(end + 4) };
}

export interface HttpMessage {
  readonly startLine: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** Parse a raw HTTP/1.1 message. A message without the empty line is a start line plus headers only. */
export function parseHttpMessage(bytes: Uint8Array, code: string): HttpMessage {
  const end = indexOfSeparator(bytes);
  const head = decodeText(end < 0 ? bytes : bytes.subarray(0, end), code, 'the HTTP head');
  const body = end < 0 ? new Uint8Array(0) : bytes.subarray(end + 4);
  const lines = head.split('\r\n');
  const startLine = lines.shift() ?? '';
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of lines) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new LinkError(code, `malformed HTTP header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new LinkError(code, `malformed HTTP header name ${JSON.stringify(name.slice(0, 80))}`);
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { startLine, headers: { ...headers }, body: body.slice() };
}

/** Start line, header lines, empty line, body. Adds `content-length` unless given. */
export function formatHttpMessage(startLine: string, headers: Readonly<Record<string, string>> | undefined, body: Uint8Array): Uint8Array {
  const lines = [startLine];
  const given = headers ?? {};
  for (const [name, value] of Object.entries(given)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new LinkError('MSG_INVALID', `HTTP header ${JSON.stringify(name)} contains a line break`);
    lines.push(`${name}: ${value}`);
  }
  if (!Object.keys(given).some((n) => n.toLowerCase() === 'content-length')) lines.push(`content-length: ${body.length}`);
  return concatBytes([utf8.encode(lines.join('\r\n')), SEPARATOR, body]);
}

/** JSON header, separator, rest. */
export function frame(header: Record<string, unknown>, rest: Uint8Array): Uint8Array {
  return concatBytes([utf8.encode(JSON.stringify(header)), SEPARATOR, rest]);
}
