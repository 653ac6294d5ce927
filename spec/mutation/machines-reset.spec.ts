/**
 * The reset rule (PROTOCOL.md section 6, machines/link.machine.ts `online`): the backoff resets after
 * `resetAfterPubacks` PUBACKs or `stableAfterMs`, whichever comes first; not before.
 */
import { describe, expect, it } from 'vitest';
import { harness, settings, T0 } from './machine-harness.js';

const timings = { connectBudgetMs: 9_000, httpBudgetMs: 4_000, gracefulBudgetMs: 2_500, stableAfterMs: 6_000, resetAfterPubacks: 3, banRetryMs: 50_000 };

/** A link that failed twice (attempt 2) and is now online. */
async function onlineAfterTwoFailures() {
  const h = harness(settings({ timings, backoff: { policy: 'decorrelated', minSeconds: 1, maxSeconds: 100 } }));
  for (let i = 0; i < 2; i += 1) {
    h.envCalls.at(-1)!.reject({ code: 'ENV_NOT_200', message: 'x', at: h.clock.now() });
    await h.flush();
    h.advance(h.ctx().delayMs);
  }
  expect(h.ctx().attempt).toBe(2);
  expect(h.ctx().previousDelayMs).toBeGreaterThan(0);
  await h.connect();
  expect(h.state()).toBe('{"connected":"online"}');
  return h;
}

describe('the reset rule', () => {
  it('marks the connection: stats, reason, pubacks 0, no failure, ticket dropped', async () => {
    const h = await onlineAfterTwoFailures();
    const c = h.ctx();
    expect(c).toMatchObject({ pubacks: 0, lastFailure: null, ticket: null, banned: false, blockUntil: null });
    expect(c.reason.code).toBe('ONLINE');
    expect(c.stats).toMatchObject({ connections: 1, lastConnectAt: h.clock.now(), mqttVersion: 5, attemptsStarted: 3 });
  });

  it('two PUBACKs do not reset; the third does, at once', async () => {
    const h = await onlineAfterTwoFailures();
    h.send({ type: 'PUBACK' });
    h.send({ type: 'PUBACK' });
    expect(h.state()).toBe('{"connected":"online"}');
    expect(h.ctx()).toMatchObject({ pubacks: 2, attempt: 2 });
    h.send({ type: 'PUBACK' });
    expect(h.state()).toBe('{"connected":"stable"}');
    expect(h.ctx()).toMatchObject({ pubacks: 3, attempt: 0, previousDelayMs: 0 });
  });

  it('without PUBACKs the reset comes exactly stableAfterMs after CONNACK', async () => {
    const h = await onlineAfterTwoFailures();
    h.advance(5_999);
    expect(h.state()).toBe('{"connected":"online"}');
    expect(h.ctx().attempt).toBe(2);
    h.advance(1);
    expect(h.state()).toBe('{"connected":"stable"}');
    expect(h.ctx()).toMatchObject({ attempt: 0, previousDelayMs: 0 });
  });

  it('a loss before the reset keeps counting attempts (the next wait is attempt 3)', async () => {
    const h = await onlineAfterTwoFailures();
    h.send({ type: 'PUBACK' });
    h.transports.at(-1)!.sendBack({ type: 'TRANSPORT_CLOSED', at: h.clock.now(), code: 'SOCKET_CLOSED', message: 'gone' });
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().attempt).toBe(3);
    expect(h.ctx().lastFailure).toMatchObject({ code: 'SOCKET_CLOSED', message: 'gone' });
    expect(h.ctx().stats.lastDisconnectAt).toBe(h.clock.now());
    expect(h.transports.at(-1)!.stopped).toBe(true);
  });

  it('a loss after the reset starts again at attempt 1', async () => {
    const h = await onlineAfterTwoFailures();
    for (let i = 0; i < 3; i += 1) h.send({ type: 'PUBACK' });
    h.send({ type: 'PING_TIMEOUT' });
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().attempt).toBe(1);
    expect(h.ctx().lastFailure?.code).toBe('PING_TIMEOUT');
    expect(h.ctx().stats.lastDisconnectAt).toBe(h.clock.now());
  });

  it('resetAfterPubacks is read from the settings (1 resets on the first PUBACK)', async () => {
    const h = harness(settings({ timings: { ...timings, resetAfterPubacks: 1 } }));
    await h.connect();
    expect(h.transports[0]!.input.pubacksNeeded).toBe(1);
    h.send({ type: 'PUBACK' });
    expect(h.state()).toBe('{"connected":"stable"}');
  });
});

describe('time inside the machine', () => {
  it('a delayed event is stamped with its state entry plus the delay, not the last event time', () => {
    const h = harness(settings({ timings }));
    h.advance(4_000);
    expect(h.ctx().now).toBe(T0 + 4_000);
    expect(h.ctx().timerOrigin).toBe(T0 + 4_000);
  });
});
