/**
 * The statechart's timers as timings, to the millisecond: the HTTP step budget, the connect budget,
 * the graceful budget, the backoff wait and the ban retry (issue 14, mutation survivors of machines/).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../../machines/defaults.js';
import { harness, settings, T0 } from './machine-harness.js';

const timings = { connectBudgetMs: 9_000, httpBudgetMs: 4_000, gracefulBudgetMs: 2_500, stableAfterMs: 6_000, resetAfterPubacks: 3, banRetryMs: 50_000 };

describe('budgets', () => {
  it('the defaults are the documented ones (120 s connect, 45 s HTTP, 5 s graceful, 30 s stable, 3 PUBACKs, 60 s ban)', () => {
    expect(DEFAULT_TIMINGS).toEqual({ connectBudgetMs: 120_000, httpBudgetMs: 45_000, gracefulBudgetMs: 5_000, stableAfterMs: 30_000, resetAfterPubacks: 3, banRetryMs: 60_000 });
  });

  it('env gets exactly httpBudgetMs, then ENV_TIMEOUT and backoff', () => {
    const h = harness(settings({ timings }));
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.envCalls[0]!.input).toEqual({ cloudUrl: 'https://app.netdata.cloud', claimId: 'claim-a' });
    h.advance(3_999);
    expect(h.state()).toBe('{"connecting":"env"}');
    h.advance(1);
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().lastFailure).toMatchObject({ code: 'ENV_TIMEOUT', at: T0 + 4_000 });
    expect(h.ctx().reason.code).toBe('ENV_TIMEOUT');
  });

  it('authentication gets its own httpBudgetMs from the env answer, then AUTH_TIMEOUT', async () => {
    const h = harness(settings({ timings }));
    h.advance(3_000);
    h.envCalls[0]!.resolve({ at: T0 + 3_000, env: { authEndpoint: 'https://auth', endpoint: 'wss://e', mqttVersion: 5 } });
    await h.flush();
    expect(h.state()).toBe('{"connecting":"authenticating"}');
    expect(h.authCalls[0]!.input).toEqual({ authEndpoint: 'https://auth', claimId: 'claim-a' });
    h.advance(3_999);
    expect(h.state()).toBe('{"connecting":"authenticating"}');
    h.advance(1);
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().lastFailure).toMatchObject({ code: 'AUTH_TIMEOUT', at: T0 + 7_000 });
  });

  it('the MQTT connection gets connectBudgetMs from the ticket, then CONNECT_TIMEOUT and the transport is stopped', async () => {
    const h = harness(settings({ timings }));
    h.envCalls[0]!.resolve({ at: T0, env: { authEndpoint: 'https://auth', endpoint: 'wss://e', mqttVersion: 4 } });
    await h.flush();
    h.advance(1_000);
    h.authCalls[0]!.resolve({ at: T0 + 1_000, ticket: 'ticket-9' });
    await h.flush();
    expect(h.state()).toBe('{"connecting":"transport"}');
    expect(h.transports[0]!.input).toEqual({ pubacksNeeded: 3, ticket: 'ticket-9', endpoint: 'wss://e', mqttVersion: 4, claimId: 'claim-a' });
    h.advance(8_999);
    expect(h.state()).toBe('{"connecting":"transport"}');
    expect(h.transports[0]!.stopped).toBe(false);
    h.advance(1);
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().lastFailure).toMatchObject({ code: 'CONNECT_TIMEOUT', at: T0 + 10_000 });
    expect(h.transports[0]!.stopped).toBe(true);
  });

  it('the graceful disconnect gets gracefulBudgetMs, then the link goes where the settings say', async () => {
    const h = harness(settings({ timings }));
    await h.connect();
    h.advance(100);
    h.send({ type: 'DISABLE' });
    expect(h.state()).toBe('{"connected":"disconnecting"}');
    expect(h.transports[0]!.commands).toContainEqual({ type: 'CLOSE', graceful: true });
    h.advance(2_499);
    expect(h.state()).toBe('{"connected":"disconnecting"}');
    h.advance(1);
    expect(h.state()).toBe('"disabled"');
    expect(h.transports[0]!.stopped).toBe(true);
    expect(h.ctx().stats.lastDisconnectAt).toBe(T0 + 2_600);
  });
});

describe('waits', () => {
  it('backoff waits exactly the planned delay (policy none: minSeconds), then a new attempt', async () => {
    const h = harness(settings({ timings }));
    h.envCalls[0]!.reject({ code: 'ENV_NOT_200', message: 'x', at: T0 });
    await h.flush();
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx()).toMatchObject({ delayMs: 7_000, attempt: 1 });
    expect(h.ctx().stats).toMatchObject({ nextAttemptAt: T0 + 7_000, lastBackoffMs: 7_000, lastWaitKind: 'policy' });
    h.advance(6_999);
    expect(h.state()).toBe('{"backoff":"waiting"}');
    h.advance(1);
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.envCalls).toHaveLength(2);
    expect(h.ctx().stats).toMatchObject({ attemptsStarted: 2, nextAttemptAt: null });
  });

  it('a ban waits banRetryMs in banned, whatever the policy', async () => {
    const h = harness(settings({ timings }));
    h.envCalls[0]!.reject({ code: 'ENV_NOT_200', message: 'banned', at: T0, cloud: { errorNonRetryable: true } });
    await h.flush();
    expect(h.state()).toBe('{"backoff":"banned"}');
    expect(h.ctx()).toMatchObject({ banned: true, delayMs: 50_000 });
    expect(h.ctx().reason.code).toBe('CLOUD_BAN');
    expect(h.ctx().stats.lastWaitKind).toBe('ban');
    h.advance(49_999);
    expect(h.state()).toBe('{"backoff":"banned"}');
    h.advance(1);
    expect(h.state()).toBe('{"connecting":"env"}');
  });

  it('a retry delay from the cloud blocks until then (block-until beats the policy)', async () => {
    const h = harness(settings({ timings }));
    h.envCalls[0]!.reject({ code: 'ENV_NOT_200', message: 'later', at: T0, cloud: { errorRetryDelaySeconds: 20 } });
    await h.flush();
    expect(h.ctx()).toMatchObject({ blockUntil: T0 + 20_000, delayMs: 20_000 });
    expect(h.ctx().stats.lastWaitKind).toBe('block');
    // A connection change while blocked does not retry at once.
    h.advance(5_000);
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ timings, connectionKey: 'k2' }) });
    expect(h.state()).toBe('{"backoff":"waiting"}');
    h.advance(14_999);
    expect(h.state()).toBe('{"backoff":"waiting"}');
    h.advance(1);
    expect(h.state()).toBe('{"connecting":"env"}');
  });

  it('a connection change in backoff retries at once when not blocked or banned', async () => {
    const h = harness(settings({ timings }));
    h.envCalls[0]!.reject({ code: 'ENV_NOT_200', message: 'x', at: T0 });
    await h.flush();
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ timings, connectionKey: 'k1' }) });
    expect(h.state()).toBe('{"backoff":"waiting"}');
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ timings, cloudUrl: 'https://other' }) });
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.envCalls.at(-1)!.input).toEqual({ cloudUrl: 'https://other', claimId: 'claim-a' });
  });
});
