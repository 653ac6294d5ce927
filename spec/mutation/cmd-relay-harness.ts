/** The cmd relay under a simulated clock with a recording logger and a scripted publisher (spec/mutation/cmd-relay-*.spec.ts). */
import { formatCmdRequest, parseCmdReply } from '../../adapters/messages/index.js';
import { createCmdRelay, type CmdHandler, type CmdRelayOptions } from '../../adapters/mqtt/cmd-relay.js';
import { LinkError } from '../../effects/errors.js';
import type { LogFields, Logger } from '../../effects/ports.js';
import { SimClock } from '../../simulations/world/sim-clock.js';
export const START = 1_700_000_000_250;
export const CONNECTED = START - 10_000;

export type Log = [level: string, message: string, fields: LogFields | undefined];
/** What publish does with call n (0-based): deliver, reject with this error, or throw it synchronously. */
export type PublishPlan = (n: number) => 'ok' | { reject: unknown } | { throw: unknown };

export function setup(handler: CmdHandler, plan: PublishPlan = () => 'ok', extra: Partial<CmdRelayOptions> = {}) {
  const clock = new SimClock(START);
  const logs: Log[] = [];
  const log = (level: string) => (message: string, fields?: LogFields) => { logs.push([level, message, fields]); };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const published: { topic: string; raw: Uint8Array; reply: ReturnType<typeof parseCmdReply> }[] = [];
  const attempts: Uint8Array[] = [];
  const publish = (topic: string, raw: Uint8Array): Promise<void> => {
    const step = plan(attempts.length);
    attempts.push(raw);
    if (step === 'ok') {
      published.push({ topic, raw, reply: parseCmdReply(raw) });
      return Promise.resolve();
    }
    if ('throw' in step) throw step.throw;
    return Promise.reject(step.reject);
  };
  const relay = createCmdRelay({ handler, publish, clock, logger, defaultTimeoutMs: 10_000, connectedAtMs: () => CONNECTED, ...extra });
  return { clock, logs, published, attempts, relay };
}

export const cmd = (msgId: string, o: { timeoutMs?: number; headers?: Record<string, string> } = {}) =>
  formatCmdRequest({ msgId, callbackTopic: '/cb', method: 'GET', path: '/api/v1/info', ...o });
export const gzipCmd = (msgId: string) => cmd(msgId, { headers: { 'accept-encoding': 'gzip' } });
export const enc = new TextEncoder();
export const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
export const never: CmdHandler = () => new Promise(() => undefined);
export const tooBig = () => new LinkError('MESSAGE_TOO_BIG', 'too big');
export const gone = () => new LinkError('SOCKET_CLOSED', 'session gone');

export interface Deferred<T> { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void }
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => { resolve = ok; reject = fail; });
  return { promise, resolve, reject };
}

/** A compressor the test finishes by hand, counting its calls. */
export function heldCompressor() {
  const calls: Deferred<Uint8Array>[] = [];
  const compress = (): Promise<Uint8Array> => {
    const d = deferred<Uint8Array>();
    calls.push(d);
    return d.promise;
  };
  return { compress, calls };
}
