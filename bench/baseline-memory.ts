/**
 * The memory child of bench/baseline.ts: N idle connected links, or N bare mqtt.js clients, in a fresh
 * process; prints `{heapBytes, rssBytes, ...}` per connection as JSON: (after GC with all N connected minus
 * after GC with the first one connected) / (N - 1).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MqttClient } from 'mqtt';
import type { LinkHandle } from '../link/create-link.js';
import { adapterCredentials, bareConnect, startLink, whenOnline, type BenchNode, type CloudInfo } from './baseline-support.js';

export interface MemoryChildInput {
  readonly kind: 'link' | 'bare' | 'bare-bundle';
  readonly cloud: CloudInfo;
  readonly nodes: readonly BenchNode[];
}

export interface MemoryChildResult {
  readonly kind: 'link' | 'bare' | 'bare-bundle';
  readonly n: number;
  readonly heapBytes: number;
  readonly rssBytes: number;
  readonly setupSeconds: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return process.memoryUsage();
}

export async function memoryChild(input: MemoryChildInput): Promise<MemoryChildResult> {
  // Load the network modules first so both sides measure connections, not code.
  await import('mqtt');
  await import('ws');
  const links: LinkHandle[] = [];
  const clients: MqttClient[] = [];
  const started = Date.now();
  let before: NodeJS.MemoryUsage | undefined;
  // The first connection alone, then the baseline: code loaded lazily on first connect is not counted.
  for (let i = 0; i < input.nodes.length; i = i === 0 ? 1 : i + 10) {
    const slice = input.nodes.slice(i, i === 0 ? 1 : i + 10);
    if (input.kind === 'link') {
      const started = slice.map((node) => {
        const link = startLink(input.cloud, node);
        links.push(link);
        const online = whenOnline(link);
        return link.start().then(() => online);
      });
      await Promise.all(started);
    } else {
      const connected = await Promise.all(slice.map(async (node) =>
        bareConnect(input.cloud, await adapterCredentials(input.cloud, node), true, input.kind === 'bare-bundle' ? 'bundle' : 'ca')));
      clients.push(...connected.map((c) => c.client));
    }
    if (i === 0) before = await settle();
  }
  const setupSeconds = (Date.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const after = await settle();
  const n = input.nodes.length - 1;
  if (before === undefined || n < 1) throw new Error('the memory benchmark needs at least 2 nodes');
  await Promise.all(links.map((l) => l.stop()));
  await Promise.all(clients.map((c) => c.endAsync()));
  return { kind: input.kind, n, heapBytes: (after.heapUsed - before.heapUsed) / n, rssBytes: (after.rss - before.rss) / n, setupSeconds };
}
