/**
 * The MQTT session as actor logic. Spawned by the machine once per attempt (only one exists at a
 * time); it turns the session's events into machine events, hands inbound messages to the
 * dispatcher and the live session to the outbox, and closes the session when stopped.
 */
import { fromCallback } from 'xstate';
import type { LinkEvent, TransportCommand, TransportInput } from '../machines/types.js';
import type { MessageDispatcher } from './dispatch.js';
import type { NodeMessage } from '../machines/nodes.js';
import type { Clock, Logger, NodeDetails, NodeWire, SessionEvent, Transport, TransportSession } from './ports.js';
import type { SessionSlot } from './sessions.js';
import type { Tracker } from './tracker.js';
import type { CredentialVault } from './vault.js';

export interface TransportEffectDeps {
  readonly transport: Transport;
  readonly vault: CredentialVault;
  readonly clock: Clock;
  readonly sessions: SessionSlot;
  readonly dispatcher: MessageDispatcher;
  readonly tracker: Tracker;
  /** Encodes the node-instance messages the machine plans; without it they are not sent. */
  readonly nodeWire?: NodeWire;
  /** The host's latest details of a node (for UpdateNodeInfo). */
  readonly nodeDetails?: (machineGuid: string) => NodeDetails | undefined;
  readonly logger?: Logger;
}

function toMachineEvent(event: SessionEvent, at: number): LinkEvent | null {
  switch (event.type) {
    case 'up': return { type: 'TRANSPORT_UP', at, mqttVersion: event.mqttVersion };
    case 'closed': return { type: 'TRANSPORT_CLOSED', at, code: event.code, message: event.message };
    case 'puback': return { type: 'PUBACK', at };
    case 'disconnect-req': return { type: 'DISCONNECT_REQ', at, reconnectAfterSeconds: event.reconnectAfterSeconds, permaban: event.permaban };
    case 'ping-timeout': return { type: 'PING_TIMEOUT', at };
    case 'message': return null;
  }
}

/** What the transport callback gets from xstate's `fromCallback` (shared machines pass it on). */
export interface TransportCallbackArgs {
  readonly input: TransportInput;
  readonly sendBack: (event: LinkEvent) => void;
  readonly receive: (listener: (command: TransportCommand) => void) => void;
}
export type TransportCallback = (args: TransportCallbackArgs) => () => void;

export function transportLogic(deps: TransportEffectDeps) {
  return fromCallback<TransportCommand, TransportInput>(transportCallback(deps));
}

export function transportCallback(deps: TransportEffectDeps): TransportCallback {
  return ({ input, sendBack, receive }) => {
    const credentials = deps.vault.take(input.ticket);
    if (!credentials) {
      sendBack({ type: 'TRANSPORT_CLOSED', at: deps.clock.now(), code: 'AUTH_TICKET_MISSING', message: 'no credentials for this attempt' });
      return () => undefined;
    }
    let closed = false;
    let pubacks = 0;
    const sessionId = deps.clock.now() * 1000;
    const session: TransportSession = deps.transport.connect({
      endpoint: input.endpoint,
      mqttVersion: input.mqttVersion,
      claimId: input.claimId,
      credentials,
      sessionId,
    });
    const subscription = session.events.subscribe({
      next: (event) => {
        if (event.type === 'message') {
          deps.dispatcher.dispatch(event);
          return;
        }
        // The statechart only counts the first PUBACKs of a session (its reset rule): spare it the rest.
        if (event.type === 'puback' && ++pubacks > input.pubacksNeeded) return;
        if (event.type === 'up') deps.sessions.attach(session);
        if (event.type === 'closed') {
          closed = true;
          deps.sessions.detach(session);
        }
        const machineEvent = toMachineEvent(event, deps.clock.now());
        if (machineEvent) sendBack(machineEvent);
      },
      complete: () => {
        if (closed) return;
        closed = true;
        deps.sessions.detach(session);
        sendBack({ type: 'TRANSPORT_CLOSED', at: deps.clock.now(), code: 'SOCKET_CLOSED', message: 'the session ended' });
      },
    });
    const sendNodes = (messages: readonly NodeMessage[]) => {
      const wire = deps.nodeWire;
      if (!wire) return;
      for (const message of messages) {
        try {
          const where = { claimId: input.claimId, sessionId, nowMs: deps.clock.now() };
          for (const { topicName, payload } of wire.encode(message, where, deps.nodeDetails?.(message.machineGuid))) {
            deps.tracker.track(session.publish(topicName, payload).catch((error: unknown) => nodeFailure(message, error)));
          }
        } catch (error) {
          nodeFailure(message, error);
        }
      }
    };
    const nodeFailure = (message: NodeMessage, error: unknown) => {
      deps.logger?.warn('node-instance message not sent', {
        kind: message.kind, machineGuid: message.machineGuid,
        code: (error as { code?: unknown } | null)?.code, error: error instanceof Error ? error.message : String(error),
      });
    };
    receive((command) => {
      if (command.type === 'CLOSE') deps.tracker.track(session.close({ graceful: command.graceful }));
      else if (command.type === 'NODES') sendNodes(command.messages);
    });
    return () => {
      subscription.unsubscribe();
      deps.sessions.detach(session);
      if (!closed) deps.tracker.track(session.close({ graceful: false }));
    };
  };
}
