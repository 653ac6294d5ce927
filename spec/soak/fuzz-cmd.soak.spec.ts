/**
 * Fuzzing `cmd` requests (issue 7): random bytes, mutated valid requests and valid frames with wrong
 * header fields through `parseCmdRequest` and the real cmd relay. A cmd is either run and answered, or
 * dropped with a warning that names a documented code; the relay never throws and never rejects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCancelPendingRequest, formatCmdRequest, parseCmdReply, parseCmdRequest } from '../../adapters/messages/index.js';
import { createCmdRelay } from '../../adapters/mqtt/cmd-relay.js';
import type { Clock, LogFields, Logger } from '../../effects/ports.js';
import { SimClock, settle } from '../../simulations/world/sim-clock.js';
import { DOCUMENTED_CODES, codeOf, mutated, runs, watchUnhandledRejections } from './support/fuzz-kit.js';

watchUnhandledRejections();

const CMD_CODES = ['CMD_BAD_HEADER', 'CMD_BAD_REQUEST', 'CMD_UNSUPPORTED_VERSION'];
/** Node runs a timer longer than this at once (with a TimeoutOverflowWarning). */
const NODE_TIMER_MAX_MS = 2_147_483_647;
/** The simulated clock with Node's timer semantics: a delay above NODE_TIMER_MAX_MS becomes 1 ms. */
function nodeLikeClock(clock: SimClock, delays: number[]): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => { delays.push(ms); return clock.setTimeout(fn, ms > NODE_TIMER_MAX_MS ? 1 : ms); },
    clearTimeout: (t) => clock.clearTimeout(t),
  };
}
const enc = new TextEncoder();

const validInit = fc.record({
  msgId: fc.string({ minLength: 1, maxLength: 20 }),
  callbackTopic: fc.string({ maxLength: 20 }).map((s) => `/${s}`),
  timeoutMs: fc.option(fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.constantFrom(2 ** 31, 2 ** 53, 1e300)), { nil: undefined }),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path: fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/),
  headers: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,8}$/), fc.stringMatching(/^[\x21-\x7e]{0,20}$/), { maxKeys: 3 }),
  body: fc.uint8Array({ maxLength: 40 }),
});
const validCmd = validInit.map((m) => formatCmdRequest(m));

/** A well-framed cmd whose JSON header has fields removed, replaced by any JSON value, or added. */
const HEADER_KEYS = ['type', 'msg-id', 'callback-topic', 'version', 'min-version', 'max-version', 'timeout'];
const wrongHeader = fc.tuple(
  validCmd,
  fc.dictionary(fc.constantFrom(...HEADER_KEYS, '__proto__', 'constructor'), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.integer({ min: -2, max: 4 }), fc.constantFrom(2.5, 1e300, -0)), { minKeys: 1, maxKeys: 3 }),
  fc.oneof(fc.constant<string | null>(null), fc.string(), fc.constantFrom('GET / HTTP/1.1', 'BREW /pot HTTP/1.1', 'GET / HTTP/2', 'GET /\r\nbad header\r\n\r\n')),
).map(([bytes, patch, http]) => {
  const text = Buffer.from(bytes).toString('latin1');
  const sep = text.indexOf('\r\n\r\n');
  const header = { ...(JSON.parse(text.slice(0, sep)) as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) Object.defineProperty(header, k, { value: v, enumerable: true, configurable: true, writable: true });
  const rest = http === null ? bytes.subarray(sep + 4) : enc.encode(http);
  return Uint8Array.from([...enc.encode(JSON.stringify(header)), 13, 10, 13, 10, ...rest]);
});
const anyCmd = fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(validCmd), wrongHeader, fc.string().map((s) => enc.encode(`${s}\r\n\r\n`)));

describe('fuzz: parseCmdRequest', () => {
  it('parses into a well-formed request or throws a CMD_* code', () => {
    fc.assert(fc.property(anyCmd, (payload) => {
      let parsed: ReturnType<typeof parseCmdRequest> | undefined;
      const code = codeOf(() => { parsed = parseCmdRequest(payload); });
      if (parsed === undefined) {
        expect(CMD_CODES).toContain(code);
        return;
      }
      expect(parsed.msgId).not.toBe('');
      expect(parsed.callbackTopic.startsWith('/')).toBe(true);
      expect(parsed.version).toBeGreaterThanOrEqual(2);
      expect(parsed.path.startsWith('/')).toBe(true);
      if (parsed.timeoutMs !== undefined) expect(Number.isInteger(parsed.timeoutMs) && parsed.timeoutMs > 0).toBe(true);
    }), runs());
  });

  it('valid requests are accepted with their fields', () => {
    fc.assert(fc.property(validInit, (m) => {
      const parsed = parseCmdRequest(formatCmdRequest(m));
      expect({ msgId: parsed.msgId, method: parsed.method, path: parsed.path, body: parsed.body }).toEqual({ msgId: m.msgId, method: m.method, path: m.path, body: m.body });
    }), runs(200, 5_000));
  });
});

describe('fuzz: the cmd relay', () => {
  it('answers valid cmds, drops garbage with a coded warning, never throws or rejects', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(anyCmd.map((p) => ({ kind: 'cmd' as const, p })), validCmd.map((p) => ({ kind: 'cmd' as const, p })),
      mutated(fc.string().map((requestId) => encodeCancelPendingRequest({ requestId }))).map((p) => ({ kind: 'cancel' as const, p }))), { maxLength: 6 }), async (inputs) => {
      const clock = new SimClock();
      const delays: number[] = [];
      const warnings: { message: string; fields?: LogFields }[] = [];
      const logger: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (message, fields) => { warnings.push({ message, fields }); } };
      const replies: string[] = [];
      const relay = createCmdRelay({
        handler: async (req) => ({ status: 200, body: req.path }), clock: nodeLikeClock(clock, delays), logger, defaultTimeoutMs: 1000,
        publish: async (_topic, payload) => { replies.push(String(parseCmdReply(payload).header['msg-id'])); },
      });
      const accepted = new Set<string>();
      let malformed = 0;
      for (const { kind, p } of inputs) {
        if (kind === 'cancel') { relay.onCancel(p); continue; }
        let msgId: string | undefined;
        if (codeOf(() => { msgId = parseCmdRequest(p).msgId; }) !== 'ok') malformed += 1;
        else if (msgId !== undefined && !accepted.has(msgId)) accepted.add(msgId);
        expect(() => relay.onCmd(p)).not.toThrow();
      }
      await settle();
      await clock.advance(2000);
      expect(relay.pending).toBe(0);
      for (const ms of delays) expect(ms >= 1 && ms <= NODE_TIMER_MAX_MS, `timer of ${ms} ms`).toBe(true);
      const drops = warnings.filter((w) => w.message === 'malformed cmd dropped');
      // An HTTP part the agent would queue but that does not parse is answered 400, as the agent does.
      const unreadable = warnings.filter((w) => w.message === 'cmd request unreadable: answered 400').map((w) => String(w.fields?.msgId));
      expect(drops.length + unreadable.length).toBe(malformed);
      for (const d of drops) expect(DOCUMENTED_CODES.has(String(d.fields?.code))).toBe(true);
      // Every accepted msg-id got exactly one reply, unless a cancel for it arrived while it ran.
      for (const id of accepted) expect(replies.filter((r) => r === id).length).toBeLessThanOrEqual(1 + unreadable.filter((u) => u === id).length);
      if (!inputs.some((i) => i.kind === 'cancel')) expect(new Set(replies)).toEqual(new Set([...accepted, ...unreadable]));
      relay.close();
    }), runs(200, 5_000));
  });

  it('regression: a cmd timeout beyond Node\'s timer range is not a timeout at once (it was: 504 after 1 ms)', async () => {
    const clock = new SimClock();
    const replies: unknown[] = [];
    const relay = createCmdRelay({
      handler: () => new Promise(() => undefined), clock: nodeLikeClock(clock, []), logger: { debug() {}, info() {}, warn() {}, error() {} },
      publish: async (_topic, payload) => { replies.push(parseCmdReply(payload).header['http-code']); },
    });
    for (const [i, timeoutMs] of [2 ** 31, 1e300].entries()) relay.onCmd(formatCmdRequest({ msgId: `m${i}`, callbackTopic: '/r', method: 'GET', path: '/slow', timeoutMs }));
    await clock.advance(60_000);
    expect([replies, relay.pending]).toEqual([[], 2]);
    relay.close();
  });
});
