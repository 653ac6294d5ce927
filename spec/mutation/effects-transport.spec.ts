/**
 * The transport effect over a fake transport: session events become machine events, the reset rule's
 * PUBACK count is capped, the session slot follows the session, CLOSE and NODES commands, cleanup.
 */
import { Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { MessageDispatcher } from '../../effects/dispatch.js';
import type { NodeWire, SessionEvent, TransportParams, TransportSession } from '../../effects/ports.js';
import { SessionSlot } from '../../effects/sessions.js';
import { Tracker } from '../../effects/tracker.js';
import { transportCallback } from '../../effects/transport.effect.js';
import { CredentialVault } from '../../effects/vault.js';
import type { LinkEvent, TransportCommand } from '../../machines/types.js';

const silent = { debug: () => undefined, info: () => undefined, warn: vi.fn(), error: () => undefined };

function setup(options: { nodeWire?: NodeWire; pubacksNeeded?: number; noTicket?: boolean } = {}) {
  const events = new Subject<SessionEvent>();
  const closes: boolean[] = [];
  const published: string[] = [];
  let params: TransportParams | undefined;
  const session: TransportSession = {
    events,
    publish: async (topic) => { published.push(topic); if (topic === 'fail') throw Object.assign(new Error('nope'), { code: 'X' }); },
    close: async ({ graceful }) => { closes.push(graceful); },
  };
  const vault = new CredentialVault();
  const ticket = vault.put({ username: 'u', password: 'p', clientId: 'c', topics: {} } as never);
  const sessions = new SessionSlot();
  const dispatcher = new MessageDispatcher(silent);
  const tracker = new Tracker();
  const logger = { ...silent, warn: vi.fn() };
  const sent: LinkEvent[] = [];
  let listener: ((c: TransportCommand) => void) | undefined;
  const stop = transportCallback({
    transport: { connect: (p) => { params = p; return session; } },
    vault, clock: { now: () => 5_000, setTimeout: () => 0, clearTimeout: () => undefined }, sessions, dispatcher, tracker, logger,
    ...(options.nodeWire ? { nodeWire: options.nodeWire } : {}),
  })({
    input: { pubacksNeeded: options.pubacksNeeded ?? 2, ticket: options.noTicket ? 'ticket-none' : ticket, endpoint: 'wss://e', mqttVersion: 5, claimId: 'claim-a' },
    sendBack: (e) => sent.push(e),
    receive: (l) => { listener = l; },
  });
  return { events, closes, published, params: () => params, sessions, dispatcher, tracker, logger, sent, stop, command: (c: TransportCommand) => listener?.(c), session };
}

describe('the transport effect', () => {
  it('without credentials for the ticket: TRANSPORT_CLOSED AUTH_TICKET_MISSING and no connection', () => {
    const t = setup({ noTicket: true });
    expect(t.sent).toEqual([{ type: 'TRANSPORT_CLOSED', at: 5_000, code: 'AUTH_TICKET_MISSING', message: 'no credentials for this attempt' }]);
    expect(t.params()).toBeUndefined();
  });

  it('connects with the input, the vault credentials (taken once) and a session id in microseconds', () => {
    const t = setup();
    expect(t.params()).toEqual({ endpoint: 'wss://e', mqttVersion: 5, claimId: 'claim-a', credentials: { username: 'u', password: 'p', clientId: 'c', topics: {} }, sessionId: 5_000_000 });
  });

  it('maps every session event to its machine event, stamped with the clock', () => {
    const t = setup({ pubacksNeeded: 10 });
    t.events.next({ type: 'up', mqttVersion: 4 });
    t.events.next({ type: 'puback' });
    t.events.next({ type: 'disconnect-req', reconnectAfterSeconds: 12, permaban: true });
    t.events.next({ type: 'ping-timeout' });
    t.events.next({ type: 'closed', code: 'SOCKET_CLOSED', message: 'bye' });
    expect(t.sent).toEqual([
      { type: 'TRANSPORT_UP', at: 5_000, mqttVersion: 4 },
      { type: 'PUBACK', at: 5_000 },
      { type: 'DISCONNECT_REQ', at: 5_000, reconnectAfterSeconds: 12, permaban: true },
      { type: 'PING_TIMEOUT', at: 5_000 },
      { type: 'TRANSPORT_CLOSED', at: 5_000, code: 'SOCKET_CLOSED', message: 'bye' },
    ]);
  });

  it('passes only the first pubacksNeeded PUBACKs to the machine', () => {
    const t = setup({ pubacksNeeded: 2 });
    for (let i = 0; i < 4; i += 1) t.events.next({ type: 'puback' });
    expect(t.sent.filter((e) => e.type === 'PUBACK')).toHaveLength(2);
  });

  it('inbound messages go to the dispatcher, not to the machine', () => {
    const t = setup();
    const got: string[] = [];
    t.dispatcher.on('cmd', (m) => got.push(m.topic));
    t.events.next({ type: 'message', messageType: 'cmd', topic: '/agent/x/inbound/v1/cmd', payload: new Uint8Array() });
    expect(got).toEqual(['/agent/x/inbound/v1/cmd']);
    expect(t.sent).toEqual([]);
  });

  it('attaches the session on up and detaches it on closed; the cleanup then does not close again', () => {
    const t = setup();
    expect(t.sessions.current).toBeNull();
    t.events.next({ type: 'up', mqttVersion: 5 });
    expect(t.sessions.current).toBe(t.session);
    t.events.next({ type: 'closed', code: 'SOCKET_CLOSED', message: 'x' });
    expect(t.sessions.current).toBeNull();
    t.events.complete();
    expect(t.sent.filter((e) => e.type === 'TRANSPORT_CLOSED')).toHaveLength(1);
    t.stop();
    expect(t.closes).toEqual([]);
  });

  it('a session that completes without closed reports SOCKET_CLOSED once', () => {
    const t = setup();
    t.events.next({ type: 'up', mqttVersion: 5 });
    t.events.complete();
    expect(t.sent.at(-1)).toEqual({ type: 'TRANSPORT_CLOSED', at: 5_000, code: 'SOCKET_CLOSED', message: 'the session ended' });
    expect(t.sessions.current).toBeNull();
    t.stop();
    expect(t.closes).toEqual([]);
  });

  it('CLOSE closes as asked and is tracked; stopping an open session closes it abruptly and detaches it', async () => {
    const t = setup();
    t.events.next({ type: 'up', mqttVersion: 5 });
    t.command({ type: 'CLOSE', graceful: true });
    expect(t.closes).toEqual([true]);
    expect(t.tracker.size).toBe(1);
    await t.tracker.idle();
    t.stop();
    expect(t.closes).toEqual([true, false]);
    expect(t.sessions.current).toBeNull();
    t.events.next({ type: 'ping-timeout' });
    expect(t.sent.at(-1)?.type).toBe('TRANSPORT_UP');
  });

  it('NODES: each message is encoded and published; failures are logged, never thrown', async () => {
    const encode = vi.fn((message: { machineGuid: string }, _where?: unknown) => {
      if (message.machineGuid === 'bad') throw new Error('cannot encode');
      return [{ topicName: message.machineGuid === 'g2' ? 'fail' : 'create-node', payload: new Uint8Array(1) }];
    });
    const t = setup({ nodeWire: { encode } as unknown as NodeWire });
    t.command({ type: 'NODES', messages: [{ machineGuid: 'g1' }, { machineGuid: 'bad' }, { machineGuid: 'g2' }] as never });
    await t.tracker.idle();
    expect(t.published).toEqual(['create-node', 'fail']);
    expect(encode.mock.calls[0]![1]).toEqual({ claimId: 'claim-a', sessionId: 5_000_000, nowMs: 5_000 });
    expect(t.logger.warn).toHaveBeenCalledTimes(2);
    expect(t.logger.warn.mock.calls.map((c) => (c[1] as { machineGuid: string }).machineGuid)).toEqual(['bad', 'g2']);
    expect(t.logger.warn.mock.calls[1]![1]).toMatchObject({ code: 'X', error: 'nope' });
  });

  it('NODES without a node wire sends nothing', () => {
    const t = setup();
    t.command({ type: 'NODES', messages: [{ machineGuid: 'g1' }] as never });
    expect(t.published).toEqual([]);
  });
});
