/**
 * link/state.ts: the operator-facing state (`getState()`, `aclk state`) derived from the machine's
 * value, its context and the data-plane counters, field by field, and its `netdatacli aclk-state json`
 * shape. Exact values, so a changed field, condition or unit shows.
 */
import { getInitialSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../machines/defaults.js';
import { linkMachine } from '../../machines/link.machine.js';
import type { LinkContext } from '../../machines/types.js';
import { deriveState, statePath, toAclkStateJson, topState, type DataPlaneCounters } from '../../link/state.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5);
const settings = defaultSettings({ enabled: true, claimId: 'c1', connectionKey: 'k', cloudUrl: 'https://cloud.example' });
const base = getInitialSnapshot(linkMachine, { settings, seed: 1, now: T }).context;

function context(over: Partial<LinkContext> = {}, stats: Partial<LinkContext['stats']> = {}): LinkContext {
  return { ...base, ...over, stats: { ...base.stats, ...stats } };
}

const counters: DataPlaneCounters = {
  received: 3, sent: 9, acked: 4, inflight: 2, outboxSize: 5, outboxBytes: 500,
  lastLatencyMs: 12, totalLatencyMs: 100, maxLatencyMs: 40, cmd: { pending: 1, maxPending: 64, busy: 2 },
};
const meta = { version: '1.2.3', proxy: 'http://proxy:3128' };

describe('state paths', () => {
  it('statePath and topState of strings, nested objects and anything else', () => {
    expect(statePath('disabled')).toBe('disabled');
    expect(statePath({ connecting: 'env' })).toBe('connecting.env');
    expect(statePath({ backoff: { banned: 'waiting' } })).toBe('backoff.banned.waiting');
    expect(statePath({ connected: {} })).toBe('connected');
    expect(statePath(null)).toBe('');
    expect(statePath(7)).toBe('');
    expect(topState('unclaimed')).toBe('unclaimed');
    expect(topState({ connected: 'online' })).toBe('connected');
    expect(topState(null)).toBe('');
    expect(topState({})).toBe('');
  });
});

describe('deriveState', () => {
  it('online: every field, from the context and the counters', () => {
    const c = context({ attempt: 2, banned: false, reason: { text: 'connected to the cloud', code: 'ONLINE' } },
      { connections: 3, mqttVersion: 5, lastConnectAt: T, lastDisconnectAt: T - 1000, nextAttemptAt: T + 5000, lastBackoffMs: 4000 });
    const s = deriveState({ connected: 'online' }, c, counters, meta);
    expect(s).toEqual({
      available: true, version: '1.2.3', claimed: true, claimId: 'c1', cloudUrl: 'https://cloud.example', proxy: 'http://proxy:3128',
      online: true, mqttVersion: 5, state: 'connected.online', top: 'connected', reason: 'connected to the cloud', reasonCode: 'ONLINE',
      attempt: 2, reconnectCount: 2, lastConnectTime: '2026-01-02T03:04:05.000Z', lastDisconnectTime: '2026-01-02T03:04:04.000Z',
      nextConnectionAttempt: null, lastBackoffMs: 4000, bannedByCloud: false,
      messagesReceived: 3, messagesSent: 9, messagesAcked: 4, pendingPubacks: 2, outboxSize: 5, outboxBytes: 500,
      publishLatencyMs: { last: 12, average: 25, max: 40 },
      cmdPending: 1, cmdMaxPending: 64, cmdBusyAnswers: 2, nodes: [],
    });
  });

  it('disconnecting is not online and has no MQTT version; backoff shows the next attempt', () => {
    const c = context({}, { connections: 1, mqttVersion: 5, nextAttemptAt: T + 5000 });
    expect(deriveState({ connected: 'disconnecting' }, c, counters, meta)).toMatchObject({ online: false, mqttVersion: null, top: 'connected', nextConnectionAttempt: null });
    expect(deriveState({ backoff: 'waiting' }, c, counters, meta)).toMatchObject({ online: false, mqttVersion: null, top: 'backoff', nextConnectionAttempt: '2026-01-02T03:04:10.000Z' });
    expect(deriveState({ connecting: 'env' }, c, counters, meta)).toMatchObject({ online: false, top: 'connecting', nextConnectionAttempt: null });
  });

  it('before any connection: no reconnects (never negative), no times, no latency, no cmd relay', () => {
    const c = context({ settings: { ...settings, claimId: null } }, { connections: 0, lastConnectAt: null, lastDisconnectAt: null, nextAttemptAt: null, lastBackoffMs: null });
    const bare: DataPlaneCounters = { ...counters, acked: 0, totalLatencyMs: 0, maxLatencyMs: 0, lastLatencyMs: null, cmd: undefined };
    expect(deriveState('unclaimed', c, bare, meta)).toMatchObject({
      claimed: false, claimId: null, reconnectCount: 0, lastConnectTime: null, lastDisconnectTime: null, lastBackoffMs: null,
      publishLatencyMs: { last: null, average: null, max: null }, cmdPending: 0, cmdMaxPending: null, cmdBusyAnswers: 0, state: 'unclaimed', top: 'unclaimed',
    });
  });

  it('banned and nodes: as the context holds them', () => {
    const node = { machineGuid: 'aaaaaaaa-0000-4000-8000-000000000001', hostname: 'n1', nodeId: null, hops: 1, live: true, reported: false };
    const c = context({ banned: true, nodes: [node] as unknown as LinkContext['nodes'] });
    expect(deriveState({ backoff: 'banned' }, c, counters, meta)).toMatchObject({
      bannedByCloud: true, nodes: [{ machineGuid: node.machineGuid, hostname: 'n1', nodeId: null, hops: 1, live: true, reportedLive: false }],
    });
  });
});

describe('toAclkStateJson', () => {
  it('every key in netdatacli\'s kebab-case, the backoff in seconds', () => {
    const node = { machineGuid: 'g', hostname: 'h', nodeId: 'n', hops: 0, live: true, reported: true };
    const c = context({ nodes: [node] as unknown as LinkContext['nodes'], reason: { text: 'r', code: 'ONLINE' } },
      { connections: 2, mqttVersion: 5, lastConnectAt: T, lastDisconnectAt: T, lastBackoffMs: 1500 });
    expect(toAclkStateJson(deriveState({ connected: 'stable' }, c, counters, meta))).toEqual({
      'aclk-available': true, 'aclk-version': '1.2.3', 'agent-claimed': true, 'claimed-id': 'c1', 'cloud-url': 'https://cloud.example',
      'aclk-proxy': 'http://proxy:3128', online: true, 'mqtt-version': 5, state: 'connected.stable', reason: 'r', 'reason-code': 'ONLINE',
      'reconnect-count': 1, 'last-connect-time-utc': '2026-01-02T03:04:05.000Z', 'last-disconnect-time-utc': '2026-01-02T03:04:05.000Z',
      'next-connection-attempt-utc': null, 'last-backoff-value': 1.5, 'banned-by-cloud': false, 'received-app-layer-msgs': 3,
      'sent-app-layer-msgs': 9, 'acked-app-layer-msgs': 4, 'pending-pubacks': 2, 'outbox-size': 5, 'outbox-bytes': 500,
      'publish-latency-ms': { last: 12, average: 25, max: 40 }, 'cmd-pending': 1, 'cmd-max-pending': 64, 'cmd-busy-answers': 2,
      'node-instances': [{ 'machine-guid': 'g', hostname: 'h', 'node-id': 'n', hops: 0, live: true, 'reported-live': true }],
    });
    const none = deriveState('disabled', context({}, { lastBackoffMs: null }), counters, meta);
    expect(toAclkStateJson(none)['last-backoff-value']).toBeNull();
  });
});
