/**
 * Edges of effects/ left by the first mutation pass: error texts operators read, the abort checks'
 * codes, the pump's requeue rule under fail-on-disconnect, and the requeue order for equal ids.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { authenticateLogic, authRunner } from '../../effects/auth.effect.js';
import { MessageDispatcher } from '../../effects/dispatch.js';
import { chooseTransport, fetchEnvLogic } from '../../effects/env.effect.js';
import { LinkError } from '../../effects/errors.js';
import { Outbox } from '../../effects/outbox.js';
import { OutboxPump } from '../../effects/outbox-pump.js';
import type { CloudApi, EnvInfo, SessionEvent, TransportSession } from '../../effects/ports.js';
import { SessionSlot } from '../../effects/sessions.js';
import { Tracker } from '../../effects/tracker.js';
import { transportCallback, transportLogic } from '../../effects/transport.effect.js';
import { CredentialVault } from '../../effects/vault.js';

const clock = { now: () => 42, setTimeout: () => 0, clearTimeout: () => undefined };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('texts and codes', () => {
  it('outbox rejections say what happened', async () => {
    const full = new Outbox({ maxMessages: 1, maxBytes: 100, policy: 'reject-new' });
    void full.offer('t', new Uint8Array(3), 0);
    await expect(full.offer('t', new Uint8Array(1), 0)).rejects.toThrow('outbox full (1 messages, 3 bytes)');
    const dropping = new Outbox({ maxMessages: 1, maxBytes: 100, policy: 'drop-oldest' });
    const old = dropping.offer('t', new Uint8Array(1), 0).catch((e: LinkError) => e);
    void dropping.offer('t', new Uint8Array(1), 9);
    expect(await old).toMatchObject({ code: 'OUTBOX_DROPPED', at: 9, message: 'dropped to make room for a newer message (policy drop-oldest)' });
    expect(dropping.takeNext('s', 0)?.topicName).toBe('t');
  });

  it('the env step names its refusal', () => {
    expect(() => chooseTransport({ authEndpoint: 'a', transports: [] } as unknown as EnvInfo, 1)).toThrow('the env answer offers no MQTT transport');
  });

  it('an abort after the challenge is ABORTED at the clock time, with its text', async () => {
    const controller = new AbortController();
    const cloud = { challenge: async () => { controller.abort(); return new Uint8Array(1); }, password: async () => ({}), closeIdle: () => undefined };
    const run = authRunner({ cloud: cloud as unknown as CloudApi, decryptor: { decrypt: async () => new Uint8Array(1) }, vault: new CredentialVault(), clock, agentVersion: 'v' });
    await expect(run({ authEndpoint: 'a', claimId: 'i' }, controller.signal)).rejects.toMatchObject({ code: 'ABORTED', at: 42, message: 'authentication aborted' });
  });

  it('a session loss under fail-on-disconnect is DISCONNECTED with its text', async () => {
    const outbox = new Outbox({ maxMessages: 10, maxBytes: 100, policy: 'fail-on-disconnect' });
    const slot = new SessionSlot();
    const session = { events: new Subject<SessionEvent>(), publish: () => new Promise<void>(() => undefined), close: async () => undefined } as TransportSession;
    new OutboxPump(outbox, slot, clock, 1);
    slot.attach(session);
    const p = outbox.offer('t', new Uint8Array(1), 0).catch((e: LinkError) => e);
    slot.detach(session);
    expect(await p).toMatchObject({ code: 'DISCONNECTED', message: 'the connection was lost (policy fail-on-disconnect)' });
  });
});

describe('the pump requeue rule', () => {
  it('a transient error on the current session requeues under every policy, and the next session sends it', async () => {
    for (const policy of ['reject-new', 'drop-oldest', 'fail-on-disconnect'] as const) {
      const outbox = new Outbox({ maxMessages: 10, maxBytes: 100, policy });
      const slot = new SessionSlot();
      const pump = new OutboxPump(outbox, slot, clock, 1);
      const rejects: Array<(e: unknown) => void> = [];
      const a = { events: new Subject<SessionEvent>(), publish: () => new Promise<void>((_r, j) => { rejects.push(j); }), close: async () => undefined } as TransportSession;
      slot.attach(a);
      void outbox.offer('t', new Uint8Array(1), 0).catch(() => undefined);
      pump.pump();
      rejects[0]!(new Error('transient'));
      await tick();
      expect([policy, outbox.queued, outbox.inflight]).toEqual([policy, 1, 0]);
      expect(rejects).toHaveLength(1);
    }
  });

  it('re-attaching the same session does not requeue what is in flight on it', () => {
    const outbox = new Outbox({ maxMessages: 10, maxBytes: 100, policy: 'reject-new' });
    const slot = new SessionSlot();
    const sent: string[] = [];
    const a = { events: new Subject<SessionEvent>(), publish: (topic: string) => { sent.push(topic); return new Promise<void>(() => undefined); }, close: async () => undefined } as TransportSession;
    const pump = new OutboxPump(outbox, slot, clock, 5);
    slot.attach(a);
    void outbox.offer('t1', new Uint8Array(1), 0);
    pump.pump();
    slot.attach(a);
    expect(sent).toEqual(['t1']);
    expect(outbox.inflight).toBe(1);
  });
});

describe('transport effect edges', () => {
  function start(options: { pubacksNeeded?: number; logger?: boolean; encode?: (m: unknown) => unknown[] } = {}) {
    const events = new Subject<SessionEvent>();
    const session = { events, publish: async () => undefined, close: async () => undefined } as TransportSession;
    const vault = new CredentialVault();
    const ticket = vault.put({ username: 'u', password: 'p' } as never);
    const sessions = new SessionSlot();
    const warnings: Array<[string, unknown]> = [];
    const sent: Array<{ type: string }> = [];
    let listener: ((c: never) => void) | undefined;
    transportCallback({
      transport: { connect: () => session }, vault, clock, sessions, dispatcher: new MessageDispatcher({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }),
      tracker: new Tracker(),
      ...(options.logger === false ? {} : { logger: { debug: () => undefined, info: () => undefined, warn: (m: string, f: unknown) => { warnings.push([m, f]); }, error: () => undefined } }),
      ...(options.encode ? { nodeWire: { encode: options.encode } as never } : {}),
    })({
      input: { pubacksNeeded: options.pubacksNeeded ?? 1, ticket, endpoint: 'e', mqttVersion: 5, claimId: 'c' },
      sendBack: (e) => sent.push(e), receive: (l) => { listener = l as never; },
    });
    return { events, sessions, warnings, sent, session, command: (c: unknown) => listener?.(c as never) };
  }

  it('only PUBACKs count toward the cap, and only up attaches the session', () => {
    const t = start({ pubacksNeeded: 1 });
    t.events.next({ type: 'ping-timeout' });
    expect(t.sessions.current).toBeNull();
    t.events.next({ type: 'up', mqttVersion: 5 });
    t.events.next({ type: 'puback' });
    expect(t.sent.map((e) => e.type)).toEqual(['PING_TIMEOUT', 'TRANSPORT_UP', 'PUBACK']);
    expect(t.sessions.current).toBe(t.session);
  });

  it('a node message that cannot be encoded is logged with its text; without a logger it is dropped quietly', () => {
    const t = start({ encode: () => { throw null; } });
    t.command({ type: 'NODES', messages: [{ kind: 'create', machineGuid: 'g' }] });
    expect(t.warnings).toEqual([['node-instance message not sent', { kind: 'create', machineGuid: 'g', code: undefined, error: 'null' }]]);
    const quiet = start({ logger: false, encode: () => { throw new Error('x'); } });
    expect(() => quiet.command({ type: 'NODES', messages: [{ kind: 'create', machineGuid: 'g' }] })).not.toThrow();
  });

  it('without a node wire nothing is attempted, so nothing is logged', () => {
    const t = start();
    t.command({ type: 'NODES', messages: [{ kind: 'create', machineGuid: 'g' }] });
    expect(t.warnings).toEqual([]);
  });
});

describe('pump statistics', () => {
  it('a PUBACK for a message already dropped is not counted', async () => {
    const outbox = new Outbox({ maxMessages: 1, maxBytes: 100, policy: 'drop-oldest' });
    const slot = new SessionSlot();
    const resolves: Array<() => void> = [];
    const a = { events: new Subject<SessionEvent>(), publish: () => new Promise<void>((r) => { resolves.push(r); }), close: async () => undefined } as TransportSession;
    const pump = new OutboxPump(outbox, slot, clock, 1);
    slot.attach(a);
    void outbox.offer('t', new Uint8Array(1), 0).catch(() => undefined);
    pump.pump();
    void outbox.offer('t', new Uint8Array(1), 0).catch(() => undefined); // drops the in-flight one
    resolves[0]!();
    await tick();
    expect(pump.stats.acked).toBe(0);
    expect(pump.stats.lastLatencyMs).toBeNull();
  });
});

describe('actor logic wrappers', () => {
  it('fetchEnvLogic, authenticateLogic and transportLogic run their runners as xstate actors', async () => {
    const cloud = {
      env: async () => ({ authEndpoint: 'a', transports: [{ type: 'MQTTv5', endpoint: 'e' }] }),
      challenge: async () => new Uint8Array(1), password: async () => ({ username: 'u', password: 'p' }), closeIdle: () => undefined,
    } as unknown as CloudApi;
    const env = createActor(fetchEnvLogic({ cloud, clock, agentVersion: 'v' }), { input: { cloudUrl: 'u', claimId: 'c' } }).start();
    await expect(toPromise(env)).resolves.toEqual({ at: 42, env: { authEndpoint: 'a', endpoint: 'e', mqttVersion: 5 } });
    const vault = new CredentialVault();
    const auth = createActor(authenticateLogic({ cloud, decryptor: { decrypt: async () => new Uint8Array(1) }, vault, clock, agentVersion: 'v' }), { input: { authEndpoint: 'a', claimId: 'c' } }).start();
    await expect(toPromise(auth)).resolves.toEqual({ at: 42, ticket: 'ticket-1' });
    const sent: string[] = [];
    const logic = transportLogic({ transport: { connect: () => { sent.push('connect'); return { events: new Subject<SessionEvent>(), publish: async () => undefined, close: async () => undefined }; } }, vault, clock, sessions: new SessionSlot(), dispatcher: new MessageDispatcher({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }), tracker: new Tracker() });
    const t = createActor(logic, { input: { pubacksNeeded: 1, ticket: 'ticket-1', endpoint: 'e', mqttVersion: 5, claimId: 'c' } }).start();
    expect(sent).toEqual(['connect']);
    t.stop();
  });
});

describe('failures as plain data', () => {
  it('toFailure lists httpStatus and cloud only when set (a recording holds no empty keys)', () => {
    expect(Object.keys(new LinkError('X', 'm', { at: 1 }).toFailure())).toEqual(['code', 'message', 'at']);
    expect(Object.keys(new LinkError('X', 'm', { at: 1, httpStatus: 500, cloud: {} }).toFailure())).toEqual(['code', 'message', 'at', 'httpStatus', 'cloud']);
  });

  it('an abort after decrypting is ABORTED at the clock time, with its text', async () => {
    const controller = new AbortController();
    const cloud = { challenge: async () => new Uint8Array(1), password: async () => ({}), closeIdle: () => undefined };
    const decryptor = { decrypt: async () => { controller.abort(); return new Uint8Array(1); } };
    const run = authRunner({ cloud: cloud as unknown as CloudApi, decryptor, vault: new CredentialVault(), clock, agentVersion: 'v' });
    await expect(run({ authEndpoint: 'a', claimId: 'i' }, controller.signal)).rejects.toMatchObject({ code: 'ABORTED', at: 42, message: 'authentication aborted' });
  });
});
