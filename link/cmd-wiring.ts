/**
 * The `cmd` relay wired into a link: `cmd` and `CancelPendingRequest` messages go to the relay,
 * replies go out with the live session's `publishRaw` (to the request's raw callback-topic).
 *
 * The relay module lives in adapters/mqtt (though it imports no network module: messages + errors
 * only). It is loaded with a dynamic import when the first MQTT session comes up (or the first cmd
 * arrives), so a link that never connects never loads anything of adapters/mqtt; messages that arrive
 * while it loads wait in order.
 */
import type { CmdHandler, CmdRelay } from '../adapters/mqtt/cmd-relay.js';
import type { MessageDispatcher } from '../effects/dispatch.js';
import { LinkError } from '../effects/errors.js';
import type { Clock, Logger } from '../effects/ports.js';
import type { SessionSlot } from '../effects/sessions.js';

export interface CmdWiringDeps {
  readonly handler: CmdHandler;
  readonly sessions: SessionSlot;
  readonly dispatcher: MessageDispatcher;
  readonly clock: Clock;
  readonly logger: Logger;
  /** When the current session connected (epoch ms), for the reply's `connect` field. */
  readonly connectedAtMs: () => number;
  readonly defaultTimeoutMs?: number;
  /** Requests running at once; one more is answered busy (503). Default 64; a whole number >= 1. */
  readonly maxPending?: number;
}

/** The relay's default cap (adapters/mqtt/cmd-relay.ts DEFAULT_MAX_PENDING_CMDS; not imported: loaded lazily). */
export const DEFAULT_CMD_MAX_PENDING = 64;

export interface CmdWiring {
  /** Requests running now. */
  readonly pending: number;
  /** The cap on `pending`. */
  readonly maxPending: number;
  /** Requests answered busy because `pending` was at the cap. */
  readonly busy: number;
  /** Aborts every running request and detaches from the dispatcher. */
  close(): void;
}

/** QoS 1 publish to a raw topic through whatever session is live; rejects with a coded LinkError. */
export function rawPublisher(sessions: SessionSlot, clock: Clock): (topic: string, payload: Uint8Array) => Promise<void> {
  return (topic, payload) => {
    const session = sessions.current;
    if (!session) return Promise.reject(new LinkError('LINK_OFFLINE', 'no MQTT session is up: the cmd reply cannot be sent', { at: clock.now() }));
    if (!session.publishRaw) {
      return Promise.reject(new LinkError('PUBLISH_RAW_UNSUPPORTED', 'the transport cannot publish to a raw topic', { at: clock.now() }));
    }
    return session.publishRaw(topic, payload);
  };
}

export function wireCmdRelay(deps: CmdWiringDeps): CmdWiring {
  const maxPending = deps.maxPending ?? DEFAULT_CMD_MAX_PENDING;
  if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
    throw new LinkError('CMD_BAD_OPTION', `the cmd cap must be a whole number of at least 1, not ${String(maxPending)}`, { at: deps.clock.now() });
  }
  let relay: CmdRelay | null = null;
  let loading: Promise<void> | null = null;
  let closed = false;
  const waiting: Array<(relay: CmdRelay) => void> = [];

  const load = (): Promise<void> => (loading ??= import('../adapters/mqtt/cmd-relay.js').then(({ createCmdRelay }) => {
    if (closed) return;
    const ready = createCmdRelay({
      handler: deps.handler,
      publish: rawPublisher(deps.sessions, deps.clock),
      clock: deps.clock,
      logger: deps.logger,
      connectedAtMs: deps.connectedAtMs,
      maxPending,
      ...(deps.defaultTimeoutMs !== undefined ? { defaultTimeoutMs: deps.defaultTimeoutMs } : {}),
    });
    relay = ready;
    for (const run of waiting.splice(0)) run(ready);
  }, (error: unknown) => {
    deps.logger.error('the cmd relay could not be loaded', { code: 'CMD_RELAY_UNAVAILABLE', error: error instanceof Error ? error.message : String(error) });
  }));

  /** Runs `use` with the relay, once it is loaded; messages that arrive meanwhile wait in order. */
  const route = (use: (relay: CmdRelay) => void): void => {
    if (closed) return;
    if (relay) use(relay);
    else {
      waiting.push(use);
      void load();
    }
  };
  const offSession = deps.sessions.onChange((session) => {
    if (session) void load();
  });
  const offCmd = deps.dispatcher.on('cmd', (message) => route((r) => r.onCmd(message.payload)));
  const offCancel = deps.dispatcher.on('CancelPendingRequest', (message) => route((r) => r.onCancel(message.payload)));
  return {
    get pending() {
      return relay?.pending ?? 0;
    },
    maxPending,
    get busy() {
      return relay?.busy ?? 0;
    },
    close() {
      closed = true;
      offSession();
      offCmd();
      offCancel();
      waiting.length = 0;
      relay?.close();
    },
  };
}
