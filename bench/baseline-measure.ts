/**
 * The side-by-side measurements of the baseline benchmark (bench/baseline.ts): throughput and connect
 * time of the link vs bare mqtt.js on the same cloud and broker.
 */
import { performance } from 'node:perf_hooks';
import {
  adapterCredentials, bareConnect, handWrittenCredentials, readPrivateKey, startLink, topicOf, whenOnline,
  type BenchNode, type CloudInfo,
} from './baseline-support.js';

// ------------------------------------------------------------------ throughput

export async function linkThroughput(cloud: CloudInfo, node: BenchNode, messages: number, payload: Uint8Array): Promise<number> {
  const link = startLink(cloud, node, { maxMessages: Math.max(25_000, messages + 100), maxBytes: 64 * 1024 * 1024 });
  try {
    const online = whenOnline(link);
    await link.start();
    await online;
    const t0 = performance.now();
    const all: Promise<void>[] = [];
    for (let i = 0; i < messages; i += 1) all.push(link.publish('chart', payload));
    await Promise.all(all);
    return messages / ((performance.now() - t0) / 1000);
  } finally {
    await link.stop();
  }
}

/**
 * Bare mqtt.js. `windowed: false`: every publish handed to mqtt.js at once (mqtt.js 5 does not enforce
 * the server's Receive Maximum). `windowed: true`: at most the server's Receive Maximum in flight, as
 * MQTT 5 requires and as the link does.
 */
export async function bareThroughput(cloud: CloudInfo, node: BenchNode, messages: number, payload: Uint8Array, windowed = false): Promise<number> {
  const session = await adapterCredentials(cloud, node);
  const { client, receiveMaximum } = await bareConnect(cloud, session);
  try {
    const topic = topicOf(session, 'chart');
    const buffer = Buffer.from(payload);
    const t0 = performance.now();
    if (!windowed) {
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < messages; i += 1) all.push(client.publishAsync(topic, buffer, { qos: 1 }));
      await Promise.all(all);
    } else {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < messages) {
          next += 1;
          await client.publishAsync(topic, buffer, { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: Math.min(receiveMaximum, messages) }, lane));
    }
    return messages / ((performance.now() - t0) / 1000);
  } finally {
    await client.endAsync();
  }
}

// ------------------------------------------------------------------ connect

export async function linkConnectMs(cloud: CloudInfo, node: BenchNode): Promise<number> {
  const link = startLink(cloud, node);
  try {
    const online = whenOnline(link);
    const t0 = performance.now();
    await link.start();
    await online;
    return performance.now() - t0;
  } finally {
    await link.stop();
  }
}

export async function bareConnectMs(cloud: CloudInfo, node: BenchNode): Promise<number> {
  const t0 = performance.now();
  const session = await handWrittenCredentials(cloud, node, await readPrivateKey(node));
  const { client } = await bareConnect(cloud, session);
  const ms = performance.now() - t0;
  await client.endAsync();
  return ms;
}
