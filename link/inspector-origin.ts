/**
 * Who may open the inspector's WebSocket: a client without an `Origin` header (a program, not a
 * browser page), a page served by the inspector itself (`http://<loopback or the inspector's host>:<port>`),
 * or the Stately inspector's own site. Any other web page is refused (HTTP 403 at the upgrade), so a
 * site the person happens to visit cannot read the stream, even through DNS rebinding.
 */
import { networkInterfaces } from 'node:os';

/** The origin of the Stately inspector app that `@statelyai/inspect`'s bridge page embeds. */
export const STATELY_ORIGIN = 'https://stately.ai';

const bare = (host: string): string => host.replace(/^\[|\]$/g, '').toLowerCase();

export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

export const isWildcardHost = (host: string): boolean => ['0.0.0.0', '::', '0:0:0:0:0:0:0:0'].includes(bare(host));

/** The host names a page served by this inspector can have besides loopback: the listen host (every interface's address for a wildcard). */
export function inspectorHosts(host: string): string[] {
  if (!isWildcardHost(host)) return [bare(host)];
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => bare(i.address)));
}

export interface OriginPolicy {
  readonly port: number;
  /** Extra host names (beyond loopback) a page of this inspector is served from. */
  readonly hosts: readonly string[];
}

export function isAllowedOrigin(origin: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  if (origin === STATELY_ORIGIN) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes `null` (sandboxed frames, file: pages)
  }
  if (url.protocol !== 'http:' || url.username !== '' || url.password !== '') return false;
  if ((url.port === '' ? 80 : Number(url.port)) !== policy.port) return false;
  const host = bare(url.hostname);
  return isLoopbackHost(host) || policy.hosts.includes(host);
}
