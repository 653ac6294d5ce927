/**
 * The small parts of effects/: LinkError and its wrapping, the env and auth steps, the dispatcher,
 * the tracker, the credential vault and the session slot (issue 14, survivors of effects/).
 */
import { describe, expect, it, vi } from 'vitest';
import { authRunner } from '../../effects/auth.effect.js';
import { MessageDispatcher } from '../../effects/dispatch.js';
import { chooseTransport, envRunner } from '../../effects/env.effect.js';
import { isLinkError, LinkError, toLinkError } from '../../effects/errors.js';
import type { CloudApi, EnvInfo, MqttCredentials, TransportSession } from '../../effects/ports.js';
import { SessionSlot } from '../../effects/sessions.js';
import { tracked } from '../../effects/tracked.js';
import { Tracker } from '../../effects/tracker.js';
import { CredentialVault } from '../../effects/vault.js';

const clock = { now: () => 42, setTimeout: () => 0, clearTimeout: () => undefined };
const creds = (n: number) => ({ username: `u${n}`, password: `p${n}` }) as unknown as MqttCredentials;

describe('LinkError', () => {
  it('keeps code, time, HTTP status, cloud body and cause; defaults at to 0', () => {
    const cause = new Error('root');
    const e = new LinkError('ENV_NOT_200', 'env said 503', { at: 9, httpStatus: 503, cloud: { errorRetryDelaySeconds: 5 }, cause });
    expect(e).toMatchObject({ name: 'LinkError', code: 'ENV_NOT_200', message: 'env said 503', at: 9, httpStatus: 503, cloud: { errorRetryDelaySeconds: 5 } });
    expect(e.cause).toBe(cause);
    const bare = new LinkError('X', 'm');
    expect(bare.at).toBe(0);
    expect(bare.httpStatus).toBeUndefined();
    expect(bare.cloud).toBeUndefined();
    expect('cause' in bare).toBe(false);
    expect(bare.toFailure()).toEqual({ code: 'X', message: 'm', at: 0 });
    expect(e.toFailure()).toEqual({ code: 'ENV_NOT_200', message: 'env said 503', at: 9, httpStatus: 503, cloud: { errorRetryDelaySeconds: 5 } });
  });

  it('stamped keeps everything but the time', () => {
    const e = new LinkError('A', 'b', { at: 1, httpStatus: 400, cloud: { errorNonRetryable: true }, cause: 'c' });
    const s = e.stamped(77);
    expect(s).toMatchObject({ code: 'A', message: 'b', at: 77, httpStatus: 400, cloud: { errorNonRetryable: true } });
    expect(s.cause).toBe('c');
    expect(isLinkError(s)).toBe(true);
    expect(isLinkError({ code: 'A' })).toBe(false);
  });

  it('toLinkError keeps a LinkError (the same object when already stamped), wraps anything else under the fallback code', () => {
    const e = new LinkError('PROXY_REFUSED', 'no', { at: 5 });
    expect(toLinkError(e, 'FALLBACK', 5)).toBe(e);
    expect(toLinkError(e, 'FALLBACK', 6)).toMatchObject({ code: 'PROXY_REFUSED', at: 6 });
    const raw = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const wrapped = toLinkError(raw, 'ENV_FAILED', 8);
    expect(wrapped).toMatchObject({ code: 'ENV_FAILED', message: 'connect ECONNREFUSED', at: 8 });
    expect(wrapped.cause).toBe(raw);
    expect(toLinkError('text', 'F', 1).message).toBe('text');
  });
});

describe('the env step', () => {
  const offer = (types: string[]): EnvInfo => ({ authEndpoint: 'https://auth', transports: types.map((type) => ({ type, endpoint: `wss://${type}` })) }) as unknown as EnvInfo;
  it('prefers MQTTv5, falls back to MQTTv3 (version 4), and refuses an answer without MQTT', () => {
    expect(chooseTransport(offer(['MQTTv3', 'MQTTv5']), 1)).toEqual({ authEndpoint: 'https://auth', endpoint: 'wss://MQTTv5', mqttVersion: 5 });
    expect(chooseTransport(offer(['MQTTv3']), 1)).toEqual({ authEndpoint: 'https://auth', endpoint: 'wss://MQTTv3', mqttVersion: 4 });
    expect(() => chooseTransport(offer(['HTTP']), 3)).toThrow(expect.objectContaining({ code: 'ENV_NO_TRANSPORT', at: 3 }));
  });

  it('carries the cloud backoff bounds', () => {
    const env = { ...offer(['MQTTv5']), backoff: { base: 3, minSeconds: 1, maxSeconds: 9 } } as unknown as EnvInfo;
    expect(chooseTransport(env, 1).backoff).toEqual({ base: 3, minSeconds: 1, maxSeconds: 9 });
  });

  it('asks the cloud with the input and agent version, stamps the answer, wraps failures as ENV_FAILED, and is tracked', async () => {
    const env = vi.fn(async () => offer(['MQTTv5']));
    const tracker = new Tracker();
    const run = envRunner({ cloud: { env } as unknown as CloudApi, clock, agentVersion: 'v9', tracker });
    const signal = new AbortController().signal;
    const pending = run({ cloudUrl: 'https://c', claimId: 'id' }, signal);
    expect(tracker.size).toBe(1);
    await expect(pending).resolves.toEqual({ at: 42, env: { authEndpoint: 'https://auth', endpoint: 'wss://MQTTv5', mqttVersion: 5 } });
    expect(env).toHaveBeenCalledWith({ cloudUrl: 'https://c', claimId: 'id', agentVersion: 'v9', signal });
    const failing = envRunner({ cloud: { env: async () => { throw new Error('boom'); } } as unknown as CloudApi, clock, agentVersion: 'v' });
    await expect(failing({ cloudUrl: 'u', claimId: 'i' }, signal)).rejects.toMatchObject({ code: 'ENV_FAILED', at: 42 });
  });
});

describe('the auth step', () => {
  function cloud(over: Partial<Record<'challenge' | 'password', () => Promise<unknown>>> = {}) {
    return {
      challenge: vi.fn(over.challenge ?? (async () => new Uint8Array([1]))),
      password: vi.fn(over.password ?? (async () => creds(1))),
      closeIdle: vi.fn(),
    };
  }
  const decryptor = { decrypt: vi.fn(async () => new Uint8Array([2])) };

  it('challenge, decrypt, password; the credentials go to the vault and the machine gets a ticket', async () => {
    const c = cloud();
    const vault = new CredentialVault();
    const run = authRunner({ cloud: c as unknown as CloudApi, decryptor, vault, clock, agentVersion: 'v1' });
    const signal = new AbortController().signal;
    const out = await run({ authEndpoint: 'https://a', claimId: 'id' }, signal);
    expect(out).toEqual({ at: 42, ticket: 'ticket-1' });
    expect(vault.take('ticket-1')).toEqual(creds(1));
    expect(c.password).toHaveBeenCalledWith({ authEndpoint: 'https://a', claimId: 'id', agentVersion: 'v1', response: new Uint8Array([2]), signal });
    expect(c.closeIdle).toHaveBeenCalledTimes(1);
  });

  it('an abort between the steps stops with ABORTED before the password; idle sockets are closed anyway', async () => {
    const controller = new AbortController();
    const c = cloud({ challenge: async () => { controller.abort(); return new Uint8Array([1]); } });
    const run = authRunner({ cloud: c as unknown as CloudApi, decryptor, vault: new CredentialVault(), clock, agentVersion: 'v' });
    await expect(run({ authEndpoint: 'a', claimId: 'i' }, controller.signal)).rejects.toMatchObject({ code: 'ABORTED', at: 42 });
    expect(c.password).not.toHaveBeenCalled();
    expect(c.closeIdle).toHaveBeenCalledTimes(1);

    const late = new AbortController();
    const d = { decrypt: vi.fn(async () => { late.abort(); return new Uint8Array([3]); }) };
    const c2 = cloud();
    const run2 = authRunner({ cloud: c2 as unknown as CloudApi, decryptor: d, vault: new CredentialVault(), clock, agentVersion: 'v' });
    await expect(run2({ authEndpoint: 'a', claimId: 'i' }, late.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(c2.password).not.toHaveBeenCalled();
  });

  it('other failures become AUTH_FAILED; coded ones keep their code', async () => {
    const run = (c: ReturnType<typeof cloud>) => authRunner({ cloud: c as unknown as CloudApi, decryptor, vault: new CredentialVault(), clock, agentVersion: 'v' })({ authEndpoint: 'a', claimId: 'i' }, new AbortController().signal);
    await expect(run(cloud({ password: async () => { throw new Error('x'); } }))).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(run(cloud({ challenge: async () => { throw new LinkError('CHALLENGE_NOT_200', 'y'); } }))).rejects.toMatchObject({ code: 'CHALLENGE_NOT_200', at: 42 });
  });
});

describe('the dispatcher', () => {
  it('routes by message type, counts received and unhandled, survives a throwing handler, and unsubscribes', () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const d = new MessageDispatcher(logger);
    const got: string[] = [];
    const off = d.on('cmd', (m) => got.push(`a:${m.topic}`));
    d.on('cmd', () => { throw new Error('handler bug'); });
    d.on('cmd', (m) => got.push(`c:${m.topic}`));
    d.dispatch({ messageType: 'cmd', topic: 't1', payload: new Uint8Array(3) });
    expect(got).toEqual(['a:t1', 'c:t1']);
    expect(logger.warn).toHaveBeenCalledWith('message handler failed', { type: 'cmd', error: 'handler bug' });
    d.dispatch({ messageType: 'other', topic: 't2', payload: new Uint8Array(4) });
    expect(logger.debug).toHaveBeenCalledWith('inbound message without subscriber', { type: 'other', bytes: 4 });
    expect([d.received, d.unhandled]).toEqual([2, 1]);
    off();
    d.dispatch({ messageType: 'cmd', topic: 't3', payload: new Uint8Array() });
    expect(got).toEqual(['a:t1', 'c:t1', 'c:t3']);
    const empty = new MessageDispatcher(logger);
    empty.on('x', () => undefined)();
    empty.dispatch({ messageType: 'x', topic: 't', payload: new Uint8Array() });
    expect(empty.unhandled).toBe(1);
  });
});

describe('tracker, vault and session slot', () => {
  it('the tracker waits for every tracked promise, rejected ones included', async () => {
    const t = new Tracker();
    await t.idle();
    let release!: () => void;
    let fail!: (e: unknown) => void;
    const p = tracked(t, new Promise<number>((r) => { release = () => r(1); }));
    tracked(t, new Promise((_r, j) => { fail = j; }));
    expect(t.size).toBe(2);
    let idle = false;
    void t.idle().then(() => { idle = true; });
    release();
    await p;
    await Promise.resolve();
    expect(idle).toBe(false);
    expect(t.size).toBe(1);
    fail(new Error('x'));
    await t.idle();
    expect(idle).toBe(true);
    expect(t.size).toBe(0);
    await expect(tracked(undefined, Promise.resolve(5))).resolves.toBe(5);
  });

  it('the vault keeps only the newest credentials and gives them out once', () => {
    const v = new CredentialVault();
    const t1 = v.put(creds(1));
    const t2 = v.put(creds(2));
    expect([t1, t2]).toEqual(['ticket-1', 'ticket-2']);
    expect(v.size).toBe(1);
    expect(v.take(t1)).toBeUndefined();
    expect(v.take(t2)).toEqual(creds(2));
    expect(v.take(t2)).toBeUndefined();
    v.put(creds(3));
    v.clear();
    expect(v.size).toBe(0);
  });

  it('the session slot tells listeners, ignores detaching a session that is not current, and unsubscribes', () => {
    const slot = new SessionSlot();
    const seen: Array<TransportSession | null> = [];
    const off = slot.onChange((s) => seen.push(s));
    const a = { id: 'a' } as unknown as TransportSession;
    const b = { id: 'b' } as unknown as TransportSession;
    slot.attach(a);
    slot.attach(b);
    slot.detach(a);
    expect(slot.current).toBe(b);
    slot.detach(b);
    expect(slot.current).toBeNull();
    expect(seen).toEqual([a, b, null]);
    off();
    slot.attach(a);
    expect(seen).toHaveLength(3);
  });
});
