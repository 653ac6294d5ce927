/**
 * Shared pieces of the soak tests: the reconnect bound derived from the node's netdata.conf, and a
 * continuous publisher that tracks every accepted message until it arrives at the cloud.
 */
import { readFile } from 'node:fs/promises';
import type { DevCloud } from '../../../devcloud/index.js';
import type { TestLink } from '../../integration/support/real-link.js';

/**
 * The adapters' timeouts startTestLink sets (real-link.ts `network`): the longest one a failing
 * attempt can wait on (a request or an MQTT CONNECT).
 */
export const SLOWEST_FAILURE_MS = 5_000;
/** A successful env + challenge + password + WSS + CONNECT on loopback, with room for a loaded CI host. */
export const CONNECT_SLACK_MS = 3_000;

/** `backoff max seconds` of a netdata.conf (what the policy's wait is clamped to), in ms. */
export async function backoffMaxMs(netdataConf: string): Promise<number> {
  const match = /^\s*backoff max seconds\s*=\s*(\d+)\s*$/m.exec(await readFile(netdataConf, 'utf8'));
  if (!match?.[1]) throw new Error(`no "backoff max seconds" in ${netdataConf}`);
  return Number(match[1]) * 1000;
}

/**
 * The longest a reconnect may take once the broker is back: an attempt already under way may still
 * fail (bounded by the slowest adapter timeout), then one policy wait (at most the backoff max), then
 * one successful connect.
 */
export async function reconnectBoundMs(netdataConf: string): Promise<number> {
  return SLOWEST_FAILURE_MS + (await backoffMaxMs(netdataConf)) + CONNECT_SLACK_MS;
}

export interface Publisher {
  /** Messages publish() accepted (resolved) or still pending. */
  readonly sent: () => number;
  /** Accepted messages not seen at the cloud yet. */
  readonly missing: () => number;
  /** publish() rejections (must stay 0: nothing is refused while the outbox has room). */
  readonly rejected: () => string[];
  /** Stops publishing and waits until every publish() settled. */
  stop(): Promise<void>;
  /** Removes the cloud-side listener (after the last arrivals were awaited). */
  detach(): void;
}

/** Publishes `<tag>-<n>` on `chart` every `everyMs`; the cloud's broker listener ticks them off. */
export function startPublisher(t: TestLink, cloud: DevCloud, tag: string, everyMs = 20): Publisher {
  const missing = new Set<number>();
  const rejected: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const prefix = `${tag}-`;
  const off = cloud.broker.onAgentMessage((_id, topic, payload) => {
    const text = payload.toString('utf8');
    if (topic.endsWith('/outbound/v1/chart') && text.startsWith(prefix)) missing.delete(Number(text.slice(prefix.length)));
  });
  let n = 0;
  const timer = setInterval(() => {
    const id = n++;
    missing.add(id);
    const p = t.link.publish('chart', Buffer.from(`${prefix}${id}`)).catch((error: unknown) => {
      missing.delete(id);
      rejected.push(`${id}: ${(error as { code?: string }).code ?? String(error)}`);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, everyMs);
  return {
    sent: () => n,
    missing: () => missing.size,
    rejected: () => rejected,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
    detach: off,
  };
}
