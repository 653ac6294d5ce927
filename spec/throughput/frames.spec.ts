/**
 * The link's WebSocket framing (adapters/mqtt/frames.ts): what one flush of the MQTT stream buffered
 * leaves as one frame, in order, nothing lost; and over a real session against aedes, a burst of
 * publishes costs a few socket writes instead of one frame per `write` of mqtt-packet (about seven
 * per PUBLISH).
 */
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMqttTransport } from '../../adapters/mqtt/index.js';
import { FRAME_BYTES, frameGroups, writeFrames } from '../../adapters/mqtt/frames.js';
import { startAedesBroker, type AedesTestBroker } from '../mqtt/support/aedes-broker.js';
import { CLAIM_ID, EventLog, clock, credentials, recordingLogger, topicsFor } from '../mqtt/support/harness.js';

describe('frameGroups', () => {
  it('keeps every byte in order, frames of at most the limit unless one buffer alone is larger', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (chunks, limit) => {
      const buffers = chunks.map((c) => Buffer.from(c));
      const frames = frameGroups(buffers, limit);
      expect(Buffer.concat(frames).equals(Buffer.concat(buffers))).toBe(true);
      for (const frame of frames) expect(frame.length <= limit || buffers.some((b) => b === frame)).toBe(true);
      // Greedy: no two neighbouring frames would have fitted into one.
      for (let i = 1; i < frames.length; i += 1) expect((frames[i - 1] as Buffer).length + (frames[i] as Buffer).length).toBeGreaterThan(limit);
    }));
  });

  it('joins a burst of small writes into one frame and sends a large buffer as it is', () => {
    const small = Array.from({ length: 140 }, (_, i) => Buffer.from([i]));
    expect(frameGroups(small)).toHaveLength(1);
    const big = Buffer.alloc(FRAME_BYTES + 1);
    const frames = frameGroups([Buffer.from('a'), big, Buffer.from('b')]);
    expect(frames).toHaveLength(3);
    expect(frames[1]).toBe(big);
  });
});

describe('writeFrames', () => {
  function stream(fail = false) {
    const frames: Buffer[] = [];
    const callbacks: ((error?: Error | null) => void)[] = [];
    const duplex = new Duplex({ read: () => undefined, writev: writeFrames });
    duplex._write = (chunk: Buffer, _encoding, callback) => {
      frames.push(chunk);
      callbacks.push(callback);
      if (fail) callback(new Error('socket gone'));
    };
    return { duplex, frames, callbacks };
  }

  it('one flush of many writes is one write of the stream beneath; callbacks after it is written', () => {
    const { duplex, frames, callbacks } = stream();
    let acked = 0;
    duplex.cork();
    for (let i = 0; i < 10; i += 1) duplex.write(Buffer.from([i]), () => { acked += 1; });
    duplex.write('topic');
    duplex.uncork();
    expect(frames).toHaveLength(1);
    expect([...(frames[0] as Buffer)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...Buffer.from('topic')]);
    expect(acked).toBe(0);
    callbacks[0]?.();
    return new Promise<void>((resolve) => process.nextTick(() => {
      expect(acked).toBe(10);
      resolve();
    }));
  });

  it('an error of the stream beneath reaches the writers once', async () => {
    const { duplex } = stream(true);
    const errors: unknown[] = [];
    duplex.on('error', (e) => errors.push(e));
    duplex.cork();
    duplex.write(Buffer.from([1]));
    duplex.write(Buffer.from([2]));
    duplex.uncork();
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
  });
});

describe('a burst of publishes over a real session (aedes)', () => {
  let broker: AedesTestBroker;
  beforeEach(async () => {
    broker = await startAedesBroker();
    broker.users.set('node', 's3cret-pass');
  });
  afterEach(async () => {
    await broker.close();
  });

  it('50 publishes started together arrive whole and in order, in far fewer socket writes than packets', async () => {
    let writes = 0;
    const agentFactory = (tls: { ca?: string | Buffer; rejectUnauthorized: boolean }) => {
      const agent = new https.Agent({ keepAlive: true, ...tls });
      const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket;
      Object.assign(agent, {
        createConnection: (...args: unknown[]) => {
          const socket = create(...args);
          const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
          socket.write = ((...a: unknown[]) => {
            writes += 1;
            return write(...a);
          }) as typeof socket.write;
          return socket;
        },
      });
      return agent;
    };
    const transport = createMqttTransport({ tls: { ca: broker.caPem, insecure: false }, clock, logger: recordingLogger(), agentFactory });
    const session = transport.connect({
      endpoint: broker.endpoint, mqttVersion: 4, claimId: CLAIM_ID, credentials: credentials('node', 's3cret-pass'), sessionId: 1,
    });
    const log = new EventLog(session);
    try {
      await log.next('up');
      await log.next('puback');
      const chart = topicsFor(CLAIM_ID).chart ?? '';
      const before = writes;
      await Promise.all(Array.from({ length: 50 }, (_, i) => session.publish('chart', Buffer.alloc(1024, i))));
      const burst = writes - before;
      const seen = broker.seen.filter((d) => d.topic === chart);
      expect(seen.map((d) => d.payload[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(seen.every((d, i) => d.payload.equals(Buffer.alloc(1024, i)))).toBe(true);
      // One frame per mqtt-packet write would be about 7 x 50 = 350 socket writes.
      expect(burst).toBeLessThan(10);
    } finally {
      await session.close({ graceful: false });
    }
  });
});
