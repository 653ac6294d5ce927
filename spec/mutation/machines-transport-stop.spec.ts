/**
 * `connecting` does not stop the transport on entry (every way in comes without one, or stops it on
 * its way): the re-entries and the reconnect after a graceful disconnect must stop the old transport
 * themselves, before the next attempt spawns a new one. A new session sends node-instance messages to
 * the transport only when there are nodes (no empty command at every connection).
 */
import { describe, expect, it } from 'vitest';
import { harness, settings, T0 } from './machine-harness.js';

type H = ReturnType<typeof harness>;

/** env and auth answered, the transport spawned, no CONNACK yet. */
async function inTransport(): Promise<H> {
  const h = harness();
  h.envCalls[0]!.resolve({ at: T0, env: { authEndpoint: 'https://auth', endpoint: 'wss://mqtt', mqttVersion: 5 } });
  await h.flush();
  h.authCalls[0]!.resolve({ at: T0, ticket: 'ticket-1' });
  await h.flush();
  expect(h.state()).toBe('{"connecting":"transport"}');
  expect(h.transports).toHaveLength(1);
  return h;
}

/** Connected, then a graceful disconnect with a reconnect requested (a connection change). */
async function disconnectingToReconnect(): Promise<H> {
  const h = harness();
  await h.connect();
  h.send({ type: 'CONFIG_CHANGED', settings: settings({ connectionKey: 'k2' }) });
  expect(h.state()).toBe('{"connected":"disconnecting"}');
  expect(h.ctx().reconnectRequested).toBe(true);
  expect(h.transports[0]!.stopped).toBe(false);
  return h;
}

describe('the old transport is stopped on every way back into connecting', () => {
  it.each([
    ['CLAIMED', { type: 'CLAIMED', claimId: 'claim-b' }],
    ['a connection change', { type: 'CONFIG_CHANGED', settings: settings({ connectionKey: 'k2' }) }],
  ])('%s while the transport connects: stopped, then a new attempt from env', async (_name, event) => {
    const h = await inTransport();
    h.send(event);
    expect(h.transports[0]!.stopped).toBe(true);
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.envCalls).toHaveLength(2);
  });

  it.each([
    ['the transport closes', (h: H) => h.transports[0]!.sendBack({ type: 'TRANSPORT_CLOSED', at: T0, code: 'CLOSED_BY_CLIENT', message: 'closed' })],
    ['pings time out', (h: H) => h.send({ type: 'PING_TIMEOUT' })],
    ['the graceful budget ends', (h: H) => h.advance(settings().timings.gracefulBudgetMs)],
  ])('a reconnect after a graceful disconnect (%s) stops the old transport before the next', async (_name, end) => {
    const h = await disconnectingToReconnect();
    end(h);
    expect(h.state()).toBe('{"connecting":"env"}');
    expect(h.transports[0]!.stopped).toBe(true);
    await h.connect();
    expect(h.transports).toHaveLength(2);
    expect(h.transports[1]!.stopped).toBe(false);
  });
});

describe('node-instance messages at a new session', () => {
  it('no nodes: nothing is sent to the transport', async () => {
    const h = harness();
    await h.connect();
    expect(h.state()).toBe('{"connected":"online"}');
    expect(h.transports[0]!.commands).toEqual([]);
  });

  it('a registered node: its messages go to the transport once the session is up', async () => {
    const h = harness();
    h.send({ type: 'NODE_REGISTERED', node: { machineGuid: 'g-1', hostname: 'n', hops: 0, live: true, nodeId: null } });
    await h.connect();
    expect(h.transports[0]!.commands).toEqual([{ type: 'NODES', messages: [expect.objectContaining({ kind: 'create', machineGuid: 'g-1' })] }]);
  });
});
