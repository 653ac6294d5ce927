/**
 * The real cloud's env answers through the real parser and the real statechart (simulated clock):
 * the transport endpoint in each form the agent accepts is dialled as `wss://host:port/mqtt`, and the
 * backoff bounds, in milliseconds on the wire, are waited exactly (PROTOCOL.md section 3).
 */
import { describe, expect, it } from 'vitest';
import { parseEnvAnswer } from '../../adapters/cloud-api/index.js';
import type { CloudApi, TransportParams } from '../../effects/ports.js';
import { createWorld } from '../../simulations/world/world.js';

function envOf(endpoint: string, backoff: { minSeconds: number; maxSeconds: number }) {
  const body = { authEndpoint: 'https://cloud.sim/api/v1/auth', encoding: 'proto', transports: [{ type: 'MQTTv5', endpoint }], backoff: { base: 2, ...backoff }, capabilities: ['proto'] };
  return parseEnvAnswer({ status: 200, headers: {}, body: Buffer.from(JSON.stringify(body)), reusedSocket: false });
}

describe('env answers in the real cloud\'s forms, through the statechart', () => {
  it.each([
    ['https://mqtt.sim/mqtt', 'wss://mqtt.sim:443/mqtt'],
    ['https://mqtt.sim:8443/anything', 'wss://mqtt.sim:8443/mqtt'],
    ['mqtt.sim:9443', 'wss://mqtt.sim:9443/mqtt'],
    ['wss://mqtt.sim', 'wss://mqtt.sim:443/mqtt'],
  ])('endpoint %s is dialled as %s; a refused connection waits exactly the env minimum (1500 ms, sent as milliseconds)', async (endpoint, dialled) => {
    const dials: { at: number; params: TransportParams }[] = [];
    const w = createWorld({
      config: { backoff: { policy: 'none' } },
      wrapCloud: (cloud): CloudApi => ({
        env: async () => envOf(endpoint, { minSeconds: 1_500, maxSeconds: 60_000 }),
        challenge: (r) => cloud.challenge(r),
        password: (r) => cloud.password(r),
        closeIdle: () => cloud.closeIdle(),
      }),
    });
    const connect = w.broker.connect.bind(w.broker);
    w.broker.connect = (params) => {
      dials.push({ at: w.clock.now(), params });
      return connect(params);
    };
    w.broker.script({ kind: 'refuse', code: 'CONNACK_REFUSED' });
    await w.link.start();
    await w.clock.advance(200);
    expect(w.link.getState()).toMatchObject({ top: 'backoff', lastBackoffMs: 1_500 });
    await w.clock.advance(5_000);
    expect(w.link.getState().top).toBe('connected');
    expect(dials.map((d) => d.params.endpoint)).toEqual([dialled, dialled]);
    // From the refusal to the next attempt: exactly 1500 ms, plus the env and auth steps of the new attempt.
    const refusedAt = dials[0]!.at + w.broker.connackLatencyMs;
    expect(dials[1]!.at - refusedAt).toBe(1_500 + w.cloud.latencyMs * 2);
    await w.clock.runUntil(w.link.stop(), 60_000);
  });
});
