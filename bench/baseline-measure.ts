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

/** Messages the link keeps in flight (its `inflightWindow`, create-link.ts's default); the server's Receive Maximum caps it. */
export const LINK_WINDOW = 64;

export interface Throughput {
  /** Messages per second, first publish to last PUBACK. */
  readonly rate: number;
  /** CPU time of this process (user + system) per message over the same span, in microseconds. */
  readonly cpuUs: number;
  /** Bare mqtt.js: the most publishes unacknowledged at once, counted by its lanes. */
  readonly maxInflight?: number;
}

const measured = async (messages: number, run: () => Promise<number | undefined>): Promise<Throughput> => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const maxInflight = await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rate: messages / seconds, cpuUs: (cpu.user + cpu.system) / messages, ...(maxInflight !== undefined ? { maxInflight } : {}) };
};

/**
 * The link: every publish started, then all awaited. Its outbox keeps at most `window` messages in
 * flight and its MQTT session at most the server's Receive Maximum of those on the wire
 * (adapters/mqtt/publish-flow.ts; spec/mqtt/transport-mosquitto.spec.ts checks it against mosquitto).
 */
export async function linkThroughput(cloud: CloudInfo, node: BenchNode, messages: number, payload: Uint8Array, window = LINK_WINDOW): Promise<Throughput> {
  const link = startLink(cloud, node, { maxMessages: Math.max(25_000, messages + 100), maxBytes: 64 * 1024 * 1024 }, window);
  try {
    const online = whenOnline(link);
    await link.start();
    await online;
    return await measured(messages, async () => {
      const all: Promise<void>[] = [];
      for (let i = 0; i < messages; i += 1) all.push(link.publish('chart', payload));
      await Promise.all(all);
      return undefined;
    });
  } finally {
    await link.stop();
  }
}

/**
 * How bare mqtt.js sends. `all`: every publish handed to mqtt.js at once (mqtt.js 5 does not enforce
 * the server's Receive Maximum). `windowed`: at most min(the server's Receive Maximum, `window`) in
 * flight, the same window the link keeps; `framed`: that, with the link's WebSocket framing
 * (adapters/mqtt/frames.ts), which leaves the link's own code as the only difference.
 */
export type BareMode = 'all' | 'windowed' | 'framed';

export async function bareThroughput(cloud: CloudInfo, node: BenchNode, messages: number, payload: Uint8Array, mode: BareMode, window = LINK_WINDOW): Promise<Throughput> {
  const session = await adapterCredentials(cloud, node);
  const { client, receiveMaximum } = await bareConnect(cloud, session, true, 'ca', mode === 'framed');
  try {
    const topic = topicOf(session, 'chart');
    const buffer = Buffer.from(payload);
    return await measured(messages, async () => {
      if (mode === 'all') {
        const all: Promise<unknown>[] = [];
        for (let i = 0; i < messages; i += 1) all.push(client.publishAsync(topic, buffer, { qos: 1 }));
        await Promise.all(all);
        return messages;
      }
      // `lanes` sequential senders: exactly `lanes` publishes unacknowledged at once.
      const lanes = Math.min(receiveMaximum, window, messages);
      let next = 0;
      let inflight = 0;
      let peak = 0;
      const lane = async (): Promise<void> => {
        while (next < messages) {
          next += 1;
          inflight += 1;
          peak = Math.max(peak, inflight);
          await client.publishAsync(topic, buffer, { qos: 1 });
          inflight -= 1;
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
      return peak;
    });
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
