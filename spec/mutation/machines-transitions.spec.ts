/**
 * Where each host and transport event leads, with the entry actions of each state: no transport left
 * running in disabled, unclaimed or backoff; the graceful disconnect's way out (issue 14, survivors of
 * machines/link.machine.ts, guards.ts, updates.ts).
 */
import { describe, expect, it } from 'vitest';
import { harness, settings, T0 } from './machine-harness.js';

const failure = { code: 'CONFIG_BAD', message: 'bad config', at: T0 };

describe('from the start', () => {
  it('disabled settings stay disabled with their reason; ENABLE connects', () => {
    const h = harness(settings({ enabled: false }));
    expect(h.state()).toBe('"disabled"');
    expect(h.ctx().reason).toEqual({ code: 'DISABLED', text: 'the cloud is disabled in the configuration' });
    expect(h.envCalls).toHaveLength(0);
    h.send({ type: 'ENABLE' });
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.ctx().settings.enabled).toBe(true);
  });

  it('no claim: unclaimed, NOT_CLAIMED; CLAIMED connects under the new claim', () => {
    const h = harness(settings({ claimId: null }));
    expect(h.state()).toBe('"unclaimed"');
    expect(h.ctx().reason.code).toBe('NOT_CLAIMED');
    expect(h.ctx().stats.nextAttemptAt).toBeNull();
    h.send({ type: 'CLAIMED', claimId: 'claim-b' });
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.envCalls[0]!.input).toMatchObject({ claimId: 'claim-b' });
  });

  it('unclaimed and then disabled goes to disabled', () => {
    const h = harness(settings({ claimId: null }));
    h.send({ type: 'DISABLE' });
    expect(h.state()).toBe('"disabled"');
  });

  it('a stopped link reports STOPPED and never connects again, even when enabled', () => {
    const h = harness(settings({ enabled: false }));
    h.send({ type: 'STOP' });
    expect(h.ctx()).toMatchObject({ stopped: true, reason: { code: 'STOPPED' } });
    h.send({ type: 'ENABLE' });
    expect(h.state()).toBe('"disabled"');
    expect(h.ctx().reason.code).toBe('STOPPED');
    h.send({ type: 'CONFIG_CHANGED', settings: settings() });
    expect(h.state()).toBe('"disabled"');
  });

  it('an invalid configuration disables with its own reason; a valid one clears it', () => {
    const h = harness(settings({ enabled: false }));
    h.send({ type: 'CONFIG_INVALID', failure });
    expect(h.ctx().configError).toEqual(failure);
    expect(h.ctx().reason).toEqual({ code: 'CONFIG_BAD', text: 'bad config' });
    h.send({ type: 'ENABLE' });
    expect(h.state()).toBe('"disabled"');
    h.send({ type: 'CONFIG_CHANGED', settings: settings() });
    expect(h.ctx().configError).toBeNull();
    expect(h.state()).toBe('{"connecting":"env"}');
  });
});

describe('while connecting', () => {
  it.each([
    ['DISABLE', { type: 'DISABLE' }, 'DISABLED'],
    ['STOP', { type: 'STOP' }, 'STOPPED'],
    ['CONFIG_INVALID', { type: 'CONFIG_INVALID', failure }, 'CONFIG_BAD'],
  ])('%s goes to disabled and stops the transport', async (_name, event, code) => {
    const h = harness();
    h.envCalls[0]!.resolve({ at: T0, env: { authEndpoint: 'a', endpoint: 'e', mqttVersion: 5 } });
    await h.flush();
    h.authCalls[0]!.resolve({ at: T0, ticket: 't' });
    await h.flush();
    expect(h.transports[0]!.stopped).toBe(false);
    h.send(event);
    expect(h.state()).toBe('"disabled"');
    expect(h.ctx().reason.code).toBe(code);
    expect(h.transports[0]!.stopped).toBe(true);
  });

  it('CONFIG_CHANGED: off -> disabled, unclaimed -> unclaimed, connection change -> a new attempt, else stays', () => {
    const off = harness();
    off.send({ type: 'CONFIG_CHANGED', settings: settings({ enabled: false }) });
    expect(off.state()).toBe('"disabled"');
    expect(off.ctx().reason.code).toBe('DISABLED');

    const unclaimed = harness();
    unclaimed.send({ type: 'CONFIG_CHANGED', settings: settings({ claimId: null }) });
    expect(unclaimed.state()).toBe('"unclaimed"');

    const changed = harness();
    changed.send({ type: 'CONFIG_CHANGED', settings: settings({ claimId: 'claim-c' }) });
    expect(changed.state()).toBe('{"connecting":"env"}');
    expect(changed.envCalls).toHaveLength(2);
    expect(changed.envCalls[1]!.input).toMatchObject({ claimId: 'claim-c' });
    expect(changed.ctx().stats.attemptsStarted).toBe(2);

    const same = harness();
    same.send({ type: 'CONFIG_CHANGED', settings: settings({ timings: { ...settings().timings, httpBudgetMs: 1 } }) });
    expect(same.envCalls).toHaveLength(1);
    expect(same.ctx().settings.timings.httpBudgetMs).toBe(1);
  });

  it('CLAIMED restarts the attempt under the new claim and clears a ban', async () => {
    const h = harness();
    h.send({ type: 'CLAIMED', claimId: 'claim-z' });
    expect(h.envCalls).toHaveLength(2);
    expect(h.ctx()).toMatchObject({ banned: false, blockUntil: null, attempt: 0, reason: { code: 'CONNECTING' } });
    expect(h.ctx().settings.claimId).toBe('claim-z');
  });

  it('a transport that closes before CONNACK is a failure with its code', async () => {
    const h = harness();
    h.envCalls[0]!.resolve({ at: T0, env: { authEndpoint: 'a', endpoint: 'e', mqttVersion: 5 } });
    await h.flush();
    h.authCalls[0]!.reject({ code: 'PASSWORD_NOT_201', message: 'no', at: T0 });
    await h.flush();
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().lastFailure).toMatchObject({ code: 'PASSWORD_NOT_201', message: 'no' });
  });
});

describe('while connected', () => {
  it.each([
    ['DISABLE', { type: 'DISABLE' }, '"disabled"'],
    ['STOP', { type: 'STOP' }, '"disabled"'],
    ['CONFIG_INVALID', { type: 'CONFIG_INVALID', failure }, '"disabled"'],
    ['unclaiming config', { type: 'CONFIG_CHANGED', settings: settings({ claimId: null }) }, '"unclaimed"'],
    ['disabling config', { type: 'CONFIG_CHANGED', settings: settings({ enabled: false }) }, '"disabled"'],
    ['new claim', { type: 'CLAIMED', claimId: 'claim-n' }, '{"connecting":"env"}'],
    ['new connection settings', { type: 'CONFIG_CHANGED', settings: settings({ connectionKey: 'k9' }) }, '{"connecting":"env"}'],
  ])('%s disconnects gracefully, then leads to its state', async (_name, event, after) => {
    const h = harness();
    await h.connect();
    h.send(event);
    expect(h.state()).toBe('{"connected":"disconnecting"}');
    expect(h.transports[0]!.commands.at(-1)).toEqual({ type: 'CLOSE', graceful: true });
    expect(h.transports[0]!.stopped).toBe(false);
    h.transports[0]!.sendBack({ type: 'TRANSPORT_CLOSED', at: T0 + 5, code: 'SOCKET_CLOSED', message: 'closed' });
    expect(h.state()).toBe(after);
    expect(h.transports[0]!.stopped).toBe(true);
    expect(h.ctx().stats.lastDisconnectAt).toBe(T0 + 5);
  });

  it('a config change that keeps the connection does not disconnect', async () => {
    const h = harness();
    await h.connect();
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ backoff: { policy: 'full' } }) });
    expect(h.state()).toBe('{"connected":"online"}');
    expect(h.ctx().settings.backoff.policy).toBe('full');
  });

  it('DisconnectReq: waits reconnect_after_s from its time, then connects again', async () => {
    const h = harness();
    await h.connect();
    h.send({ type: 'DISCONNECT_REQ', reconnectAfterSeconds: 30, permaban: false });
    expect(h.ctx()).toMatchObject({ blockUntil: T0 + 30_000, banned: false, reason: { code: 'CLOUD_DISCONNECT' } });
    h.transports[0]!.sendBack({ type: 'TRANSPORT_CLOSED', at: T0, code: 'SOCKET_CLOSED', message: 'closed' });
    expect(h.state()).toBe('{"backoff":"waiting"}');
    expect(h.ctx().delayMs).toBe(30_000);
    h.advance(29_999);
    expect(h.state()).toBe('{"backoff":"waiting"}');
    h.advance(1);
    expect(h.state()).toBe('{"connecting":"env"}');
  });

  it('DisconnectReq with permaban bans; with 0 s it keeps the policy', async () => {
    const banned = harness();
    await banned.connect();
    banned.send({ type: 'DISCONNECT_REQ', reconnectAfterSeconds: 0, permaban: true });
    expect(banned.ctx()).toMatchObject({ banned: true, blockUntil: null, reason: { code: 'CLOUD_BAN' } });
    banned.send({ type: 'PING_TIMEOUT' });
    expect(banned.state()).toBe('{"backoff":"banned"}');

    const plain = harness();
    await plain.connect();
    plain.send({ type: 'DISCONNECT_REQ', reconnectAfterSeconds: 0, permaban: false });
    expect(plain.ctx().blockUntil).toBeNull();
    plain.send({ type: 'PING_TIMEOUT' });
    expect(plain.state()).toBe('{"backoff":"waiting"}');
    expect(plain.ctx().delayMs).toBe(7_000);
  });

  it('in disconnecting, a reclaim or connection change means reconnect at once after the close', async () => {
    const h = harness();
    await h.connect();
    h.send({ type: 'DISCONNECT_REQ', reconnectAfterSeconds: 0, permaban: false });
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ connectionKey: 'k5' }) });
    expect(h.ctx()).toMatchObject({ reconnectRequested: true, reason: { code: 'CONFIG_RELOADED' } });
    h.transports[0]!.sendBack({ type: 'TRANSPORT_CLOSED', at: T0, code: 'SOCKET_CLOSED', message: 'closed' });
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.ctx().reconnectRequested).toBe(false);
  });
});

describe('in backoff', () => {
  async function inBackoff() {
    const h = harness();
    h.envCalls[0]!.reject({ code: 'ENV_NOT_200', message: 'x', at: T0 });
    await h.flush();
    expect(h.state()).toBe('{"backoff":"waiting"}');
    return h;
  }
  it.each([
    ['DISABLE', { type: 'DISABLE' }, '"disabled"'],
    ['STOP', { type: 'STOP' }, '"disabled"'],
    ['CONFIG_INVALID', { type: 'CONFIG_INVALID', failure }, '"disabled"'],
    ['disabling config', { type: 'CONFIG_CHANGED', settings: settings({ enabled: false }) }, '"disabled"'],
    ['unclaiming config', { type: 'CONFIG_CHANGED', settings: settings({ claimId: null }) }, '"unclaimed"'],
    ['CLAIMED', { type: 'CLAIMED', claimId: 'claim-q' }, '{"connecting":"env"}'],
  ])('%s leads to its state', async (_name, event, after) => {
    const h = await inBackoff();
    h.send(event);
    expect(h.state()).toBe(after);
  });

  it('a ban is cleared by a new claim id, which connects at once (as CLAIMED does), not by other settings', async () => {
    const h = harness();
    h.envCalls[0]!.reject({ code: 'ENV_NOT_200', message: 'b', at: T0, cloud: { errorNonRetryable: true } });
    await h.flush();
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ connectionKey: 'k7' }) });
    expect(h.state()).toBe('{"backoff":"banned"}');
    expect(h.ctx().banned).toBe(true);
    h.send({ type: 'CONFIG_CHANGED', settings: settings({ connectionKey: 'k7', claimId: 'claim-new' }) });
    expect(h.ctx()).toMatchObject({ banned: false, blockUntil: null, attempt: 0, previousDelayMs: 0 });
    // Found by mutation testing: the guard read the old (banned) context, so a new claim in the
    // configuration waited out the ban retry instead of connecting at once as CLAIMED does.
    expect(h.state()).toBe('{"connecting":"env"}');
  });
});
