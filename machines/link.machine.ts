/**
 * The Agent-Cloud Link statechart. The only place that decides when to connect, retry or give up.
 *
 * Top-level states: disabled, unclaimed, connecting, connected, backoff. Every actor, action, guard
 * and delay is named here; effects are placeholders that `createLink` replaces with `.provide()`.
 */
import { assign, fromCallback, fromPromise, sendTo, setup, spawnChild, stopChild } from 'xstate';
import { initialContext } from './context.js';
import { delays } from './delays.js';
import * as g from './guards.js';
import * as n from './node-updates.js';
import * as u from './updates.js';
import type {
  AuthInput, AuthOutput, EnvInput, EnvOutput, LinkContext, LinkEvent, LinkInput, TransportCommand, TransportInput,
} from './types.js';

const notProvided = (name: string) => (): never => {
  throw new Error(`${name} is not provided: build the link with createLink()`);
};

/** Where a finished disconnect leads (used on close, on ping timeout and when the graceful budget ends). */
const afterDisconnect = [
  { guard: 'shouldBeDisabled', target: '#link.disabled', actions: 'markDisconnected' },
  { guard: 'shouldBeUnclaimed', target: '#link.unclaimed', actions: 'markDisconnected' },
  { guard: 'reconnectMustWait', target: '#link.backoff', actions: 'markDisconnected' },
  // connecting's entry does not stop the transport (no other way in has one): this one does.
  { guard: 'reconnectRequested', target: '#link.connecting', actions: ['markDisconnected', 'closeTransport'] },
  { target: '#link.backoff', actions: 'markDisconnected' },
] as const;

export const linkMachine = setup({
  types: {
    context: {} as LinkContext,
    events: {} as LinkEvent,
    input: {} as LinkInput,
  },
  actors: {
    fetchEnv: fromPromise<EnvOutput, EnvInput>(notProvided('fetchEnv')),
    authenticate: fromPromise<AuthOutput, AuthInput>(notProvided('authenticate')),
    transport: fromCallback<TransportCommand, TransportInput>(notProvided('transport')),
  },
  actions: {
    enable: assign(({ context }) => u.enable(context)),
    disable: assign(({ context }) => u.disable(context)),
    markStopped: assign(() => u.markStopped()),
    applySettings: assign(({ context, event }) => u.applySettings(context, event)),
    applyConfigError: assign(({ context, event }) => u.applyConfigError(context, event)),
    applyClaim: assign(({ context, event }) => u.applyClaim(context, event)),
    requestReconnect: assign(({ context, event }) => u.requestReconnect(context, event)),
    beginAttempt: assign(({ context, event }) => u.beginAttempt(context, event)),
    markTimer: assign(({ context, event }) => u.markTimer(context, event)),
    storeEnv: assign(({ context, event }) => u.storeEnv(context, event)),
    storeTicket: assign(({ context, event }) => u.storeTicket(context, event)),
    recordFailure: assign(({ context, event }) => u.recordFailure(context, event)),
    recordTimeout: assign(({ context, event }, params: { code: string }) => u.recordTimeout(context, event, params)),
    connectSession: assign(({ context, event }) => n.connectSession(context, event)),
    countPuback: assign(({ context }) => u.countPuback(context)),
    resetBackoff: assign(() => u.resetBackoff()),
    recordCloudDisconnect: assign(({ context, event }) => u.recordCloudDisconnect(context, event)),
    markDisconnected: assign(({ context, event }) => u.markDisconnected(context, event)),
    recordLoss: assign(({ context, event }) => u.recordLoss(context, event)),
    planNextAttempt: assign(({ context, event }) => u.planNextAttempt(context, event)),
    explainDisabled: assign(({ context, event }) => u.explainDisabled(context, event)),
    explainUnclaimed: assign(({ context, event }) => u.explainUnclaimed(context, event)),
    openTransport: spawnChild('transport', {
      id: 'transport',
      input: ({ context }): TransportInput => ({
        pubacksNeeded: context.settings.timings.resetAfterPubacks,
        ticket: context.ticket ?? '',
        endpoint: context.env?.endpoint ?? '',
        mqttVersion: context.env?.mqttVersion ?? 5,
        claimId: context.settings.claimId ?? '',
      }),
    }),
    closeTransport: stopChild('transport'),
    requestGracefulClose: sendTo('transport', { type: 'CLOSE', graceful: true } satisfies TransportCommand),
    updateNodes: assign(({ context, event }) => n.updateNodes(context, event)),
    syncNodes: assign(({ context, event }) => n.syncNodes(context, event)),
    reportNodesDown: assign(({ context }) => n.reportNodesDown(context)),
    sendNodeMessages: sendTo('transport', ({ context }): TransportCommand => ({ type: 'NODES', messages: context.nodeOutbox })),
  },
  guards: {
    shouldBeDisabled: ({ context }) => g.shouldBeDisabled(context),
    shouldBeUnclaimed: ({ context }) => g.shouldBeUnclaimed(context),
    shouldConnect: ({ context }) => g.shouldConnect(context),
    reconnectRequested: ({ context }) => g.reconnectRequested(context),
    isBanned: ({ context }) => g.isBanned(context),
    pubacksReachReset: ({ context }) => g.pubacksReachReset(context),
    hasNodes: ({ context }) => g.hasNodes(context),
    configTurnsOff: ({ context, event }) => g.configTurnsOff(context, event),
    configUnclaims: ({ context, event }) => g.configUnclaims(context, event),
    connectionChanged: ({ context, event }) => g.connectionChanged(context, event),
    retryNowOnConfig: ({ context, event }) => g.retryNowOnConfig(context, event),
    connectMustWait: ({ context, event }) => g.connectMustWait(context, event),
    reconnectMustWait: ({ context, event }) => g.reconnectMustWait(context, event),
  },
  delays,
}).createMachine({
  id: 'link',
  context: ({ input }) => initialContext(input),
  initial: 'disabled',
  // Host events update the settings everywhere; states that must react override them.
  on: {
    ENABLE: { actions: 'enable' },
    DISABLE: { actions: 'disable' },
    STOP: { actions: 'markStopped' },
    CONFIG_CHANGED: { actions: 'applySettings' },
    CONFIG_INVALID: { actions: 'applyConfigError' },
    CLAIMED: { actions: 'applyClaim' },
    // The host's nodes are kept in every state; only a connected link tells the cloud about them.
    NODE_REGISTERED: { actions: 'updateNodes' },
    NODE_CHANGED: { actions: 'updateNodes' },
    NODE_REMOVED: { actions: 'updateNodes' },
    NODE_CREATED: { actions: 'updateNodes' },
  },
  states: {
    disabled: {
      description: 'Inert: no network effect of any kind. Left as soon as the settings allow.',
      entry: ['closeTransport', 'explainDisabled'],
      always: [
        { guard: 'connectMustWait', target: 'backoff' },
        { guard: 'shouldConnect', target: 'connecting' },
        { guard: 'shouldBeUnclaimed', target: 'unclaimed' },
      ],
    },
    unclaimed: {
      description: 'Enabled but not claimed: no data is exchanged with the cloud.',
      entry: ['closeTransport', 'explainUnclaimed'],
      // No ban/block check here: a claim is the only way out to connecting, and a new claim lifts both.
      always: [
        { guard: 'shouldBeDisabled', target: 'disabled' },
        { guard: 'shouldConnect', target: 'connecting' },
      ],
    },
    connecting: {
      description: 'One attempt: env, then challenge and password, then the MQTT session.',
      // Every way in comes from a state that has stopped the transport (disabled, unclaimed, backoff)
      // or stops it itself (the re-entries below, a reconnect after a graceful disconnect): no
      // stopChild at each attempt for a transport that is not there.
      entry: 'beginAttempt',
      initial: 'env',
      on: {
        DISABLE: { target: 'disabled', actions: 'disable' },
        STOP: { target: 'disabled', actions: 'markStopped' },
        CONFIG_INVALID: { target: 'disabled', actions: 'applyConfigError' },
        CLAIMED: { target: 'connecting', reenter: true, actions: ['applyClaim', 'closeTransport'] },
        CONFIG_CHANGED: [
          { guard: 'configTurnsOff', target: 'disabled', actions: 'applySettings' },
          { guard: 'configUnclaims', target: 'unclaimed', actions: 'applySettings' },
          { guard: 'connectionChanged', target: 'connecting', reenter: true, actions: ['applySettings', 'closeTransport'] },
          { actions: 'applySettings' },
        ],
      },
      states: {
        // env, authenticating, transport and connected.online have one way in each, whose update also
        // starts their timer (timerOrigin): one assign per step instead of two (updates.ts).
        env: {
          invoke: {
            id: 'env',
            src: 'fetchEnv',
            input: ({ context }) => ({ cloudUrl: context.settings.cloudUrl, claimId: context.settings.claimId ?? '' }),
            onDone: { target: 'authenticating', actions: 'storeEnv' },
            onError: { target: '#link.backoff', actions: 'recordFailure' },
          },
          after: { httpBudget: { target: '#link.backoff', actions: { type: 'recordTimeout', params: { code: 'ENV_TIMEOUT' } } } },
        },
        authenticating: {
          invoke: {
            id: 'auth',
            src: 'authenticate',
            input: ({ context }) => ({ authEndpoint: context.env?.authEndpoint ?? '', claimId: context.settings.claimId ?? '' }),
            onDone: { target: 'transport', actions: 'storeTicket' },
            onError: { target: '#link.backoff', actions: 'recordFailure' },
          },
          after: { httpBudget: { target: '#link.backoff', actions: { type: 'recordTimeout', params: { code: 'AUTH_TIMEOUT' } } } },
        },
        transport: {
          entry: 'openTransport',
          on: {
            // The node-instance messages of a new session go to the transport only when there are nodes.
            TRANSPORT_UP: [
              { guard: 'hasNodes', target: '#link.connected', actions: ['connectSession', 'sendNodeMessages'] },
              { target: '#link.connected', actions: 'connectSession' },
            ],
            TRANSPORT_CLOSED: { target: '#link.backoff', actions: 'recordFailure' },
          },
          after: { connectBudget: { target: '#link.backoff', actions: { type: 'recordTimeout', params: { code: 'CONNECT_TIMEOUT' } } } },
        },
      },
    },
    connected: {
      description: 'The MQTT session is up.',
      initial: 'online',
      on: {
        TRANSPORT_CLOSED: { target: 'backoff', actions: 'recordLoss' },
        PING_TIMEOUT: { target: 'backoff', actions: [{ type: 'recordTimeout', params: { code: 'PING_TIMEOUT' } }, 'markDisconnected'] },
        DISCONNECT_REQ: { target: '.disconnecting', actions: 'recordCloudDisconnect' },
        DISABLE: { target: '.disconnecting', actions: 'disable' },
        STOP: { target: '.disconnecting', actions: 'markStopped' },
        CONFIG_INVALID: { target: '.disconnecting', actions: 'applyConfigError' },
        CLAIMED: { target: '.disconnecting', actions: ['applyClaim', 'requestReconnect'] },
        CONFIG_CHANGED: [
          { guard: 'configTurnsOff', target: '.disconnecting', actions: 'applySettings' },
          { guard: 'configUnclaims', target: '.disconnecting', actions: 'applySettings' },
          { guard: 'connectionChanged', target: '.disconnecting', actions: ['applySettings', 'requestReconnect'] },
          { actions: 'applySettings' },
        ],
        // Node instances: each change is reported at once (CreateNodeInstance, UpdateNodeInstanceConnection, UpdateNodeInfo).
        NODE_REGISTERED: { actions: ['syncNodes', 'sendNodeMessages'] },
        NODE_CHANGED: { actions: ['syncNodes', 'sendNodeMessages'] },
        NODE_REMOVED: { actions: ['syncNodes', 'sendNodeMessages'] },
        NODE_CREATED: { actions: ['syncNodes', 'sendNodeMessages'] },
        SEND_NODE_INSTANCES: { actions: ['syncNodes', 'sendNodeMessages'] },
      },
      states: {
        online: {
          description: 'Connected; the backoff resets after 3 PUBACKs or 30 s, whichever comes first.',
          on: {
            PUBACK: [
              { guard: 'pubacksReachReset', target: 'stable', actions: ['countPuback', 'resetBackoff'] },
              { actions: 'countPuback' },
            ],
          },
          after: { stableAfter: { target: 'stable', actions: 'resetBackoff' } },
        },
        stable: {
          description: 'Connected, and the backoff has been reset.',
        },
        disconnecting: {
          description: 'Graceful disconnect: every node reported down, UpdateAgentConnection(reachable=false), DISCONNECT, close 1000.',
          entry: ['markTimer', 'reportNodesDown', 'sendNodeMessages', 'requestGracefulClose'],
          on: {
            NODE_REGISTERED: { actions: 'updateNodes' },
            NODE_CHANGED: { actions: 'updateNodes' },
            NODE_REMOVED: { actions: 'updateNodes' },
            NODE_CREATED: { actions: 'updateNodes' },
            SEND_NODE_INSTANCES: { actions: 'updateNodes' },
            TRANSPORT_CLOSED: afterDisconnect,
            PING_TIMEOUT: afterDisconnect,
            DISCONNECT_REQ: { actions: 'recordCloudDisconnect' },
            DISABLE: { actions: 'disable' },
            STOP: { actions: 'markStopped' },
            CONFIG_INVALID: { actions: 'applyConfigError' },
            CLAIMED: { actions: ['applyClaim', 'requestReconnect'] },
            CONFIG_CHANGED: [
              { guard: 'connectionChanged', actions: ['applySettings', 'requestReconnect'] },
              { actions: 'applySettings' },
            ],
          },
          after: { gracefulBudget: afterDisconnect },
        },
      },
    },
    backoff: {
      description: 'Waiting before the next attempt: ban > block-until > backoff policy.',
      entry: ['closeTransport', 'planNextAttempt'],
      initial: 'waiting',
      on: {
        DISABLE: { target: 'disabled', actions: 'disable' },
        STOP: { target: 'disabled', actions: 'markStopped' },
        CONFIG_INVALID: { target: 'disabled', actions: 'applyConfigError' },
        CLAIMED: { target: 'connecting', actions: 'applyClaim' },
        CONFIG_CHANGED: [
          { guard: 'configTurnsOff', target: 'disabled', actions: 'applySettings' },
          { guard: 'configUnclaims', target: 'unclaimed', actions: 'applySettings' },
          { guard: 'retryNowOnConfig', target: 'connecting', actions: 'applySettings' },
          { actions: 'applySettings' },
        ],
      },
      states: {
        waiting: {
          always: { guard: 'isBanned', target: 'banned' },
          after: { backoffDelay: '#link.connecting' },
        },
        banned: {
          description: 'The cloud banned this agent; retry slowly until the claim is reloaded.',
          after: { banRetry: '#link.connecting' },
        },
      },
    },
  },
});

export type LinkMachine = typeof linkMachine;
