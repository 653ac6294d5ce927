/**
 * `no_proxy` matching, in the common (curl/Go) dialect:
 * - `*` alone bypasses the proxy for every host;
 * - `example.com`, `.example.com` and `*.example.com` match example.com and every subdomain;
 * - `host:port` and `[v6]:port` match only that port (the target port defaults to 443);
 * - IP addresses match exactly, and `10.0.0.0/8`, `fd00::/8` CIDR blocks match their range.
 * Comparison ignores case, a trailing dot and IPv6 brackets. Malformed entries are ignored
 * (a bad no_proxy entry cannot make the proxy be skipped for a host it does not name).
 */
import { BlockList, isIP } from 'node:net';
import type { ProxyTarget } from './types.js';

export function matchesNoProxy(noProxy: string, target: ProxyTarget): boolean {
  const host = normalizeHost(target.host);
  const port = target.port ?? 443;
  // Blanks and commas separate entries; the empty ones (leading or trailing separators) match nothing.
  return noProxy.split(/[,\s]+/).some((entry) => matchesEntry(entry, host, port));
}

function matchesEntry(rawEntry: string, host: string, port: number): boolean {
  if (rawEntry === '*') return true;
  const split = splitPort(rawEntry);
  if (split === undefined) return false;
  const { name, entryPort } = split;
  if (entryPort !== undefined && entryPort !== port) return false;
  const entry = normalizeHost(name);
  if (entry === '') return false;
  if (entry.includes('/')) return inCidr(entry, host);
  if (isIP(entry) !== 0 || isIP(host) !== 0) return entry === host;
  const suffix = entry.replace(/^\*?\.+/, '');
  return host === suffix || host.endsWith(`.${suffix}`);
}

/** The name and port of an entry; undefined when its port is not a number. */
function splitPort(entry: string): { name: string; entryPort?: number } | undefined {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return withPort(bracketed[1] ?? '', bracketed[2]);
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [name = '', portText] = entry.split(':');
    return withPort(name, portText);
  }
  return { name: entry };
}

function withPort(name: string, portText: string | undefined): { name: string; entryPort?: number } | undefined {
  if (portText === undefined) return { name };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  return { name, entryPort: Number(portText) };
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function inCidr(entry: string, host: string): boolean {
  const slash = entry.indexOf('/');
  const network = entry.slice(0, slash);
  const bitsText = entry.slice(slash + 1);
  const family = isIP(network);
  if (family === 0 || !/^\d{1,3}$/.test(bitsText) || isIP(host) !== family) return false;
  const bits = Number(bitsText);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (bits > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(network, bits, type);
  return list.check(host, type);
}
