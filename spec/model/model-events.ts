/**
 * The events the model-based tests offer in every state: host events, effect results and transport
 * events, with payload variants chosen to make every guard both true and false, plus the delayed
 * events of the active states.
 */
import { fromCallback, fromPromise, type SnapshotFrom } from 'xstate';
import { defaultSettings } from '../../machines/defaults.js';
import { linkMachine } from '../../machines/link.machine.js';
import type { AuthOutput, EnvOutput, LinkContext, LinkInput } from '../../machines/types.js';

/** The machine with inert effects: nothing runs unless the test sends the event. */
export const modelMachine = linkMachine.provide({
  actors: {
    fetchEnv: fromPromise<EnvOutput, { cloudUrl: string; claimId: string }>(() => new Promise(() => undefined)),
    authenticate: fromPromise<AuthOutput, { authEndpoint: string; claimId: string }>(() => new Promise(() => undefined)),
    transport: fromCallback(() => () => undefined),
  },
});

export type ModelSnapshot = SnapshotFrom<typeof modelMachine>;
export type ModelEvent = { type: string; [key: string]: unknown };

const GUID = '00000000-0000-4000-8000-000000000001';

export const modelInput: LinkInput = {
  settings: defaultSettings({ enabled: true, claimId: 'claim-a', connectionKey: 'k1' }),
  seed: 1,
  now: 1_000_000,
};

function afterEvents(snapshot: ModelSnapshot): ModelEvent[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes) {
    for (const key of node.transitions.keys()) if (key.startsWith('xstate.after.')) types.add(key);
  }
  return [...types].map((type) => ({ type }));
}

export function modelEvents(snapshot: ModelSnapshot): ModelEvent[] {
  const c: LinkContext = snapshot.context;
  const at = c.now + 1000;
  const s = c.settings;
  const env = { authEndpoint: 'https://cloud/api/v1/auth', endpoint: 'wss://broker/mqtt', mqttVersion: 5 };
  const failure = (cloud?: object) => ({ code: 'ENV_NOT_200', message: 'HTTP 503', at, ...(cloud ? { cloud } : {}) });
  return [
    { type: 'ENABLE', at },
    { type: 'DISABLE', at },
    { type: 'STOP', at },
    { type: 'CONFIG_CHANGED', at, settings: s },
    { type: 'CONFIG_CHANGED', at, settings: { ...s, connectionKey: s.connectionKey === 'k1' ? 'k2' : 'k1' } },
    { type: 'CONFIG_CHANGED', at, settings: { ...s, enabled: !s.enabled } },
    { type: 'CONFIG_CHANGED', at, settings: { ...s, claimId: s.claimId === null ? 'claim-a' : null } },
    { type: 'CONFIG_INVALID', at, failure: { code: 'CONFIG_BAD_VALUE', message: 'bad', at } },
    { type: 'CLAIMED', at, claimId: s.claimId === 'claim-a' ? 'claim-b' : 'claim-a' },
    // An invoked actor's result only exists while it runs (xstate treats a stray error event as a crash).
    ...('env' in snapshot.children ? [
      { type: 'xstate.done.actor.env', output: { at, env } },
      { type: 'xstate.error.actor.env', error: failure() },
      { type: 'xstate.error.actor.env', error: failure({ errorNonRetryable: true }) },
      { type: 'xstate.error.actor.env', error: failure({ errorRetryDelaySeconds: 60 }) },
    ] : []),
    ...('auth' in snapshot.children ? [
      { type: 'xstate.done.actor.auth', output: { at, ticket: 'ticket-1' } },
      { type: 'xstate.error.actor.auth', error: { code: 'AUTH_PASSWORD_NOT_201', message: 'HTTP 401', at } },
    ] : []),
    { type: 'TRANSPORT_UP', at, mqttVersion: 5 },
    { type: 'TRANSPORT_CLOSED', at, code: 'SOCKET_CLOSED', message: 'closed' },
    { type: 'PUBACK', at },
    { type: 'DISCONNECT_REQ', at, reconnectAfterSeconds: 30, permaban: false },
    { type: 'DISCONNECT_REQ', at, reconnectAfterSeconds: 0, permaban: true },
    { type: 'PING_TIMEOUT', at },
    // Node instances (targetless: they change the registry and, while connected, send).
    { type: 'NODE_REGISTERED', at, node: { machineGuid: GUID, hostname: 'n', hops: 0, live: true, nodeId: null } },
    { type: 'NODE_CHANGED', at, change: { machineGuid: GUID, live: false } },
    { type: 'NODE_REMOVED', at, machineGuid: GUID },
    { type: 'NODE_CREATED', at, machineGuid: GUID, nodeId: 'node-1' },
    { type: 'SEND_NODE_INSTANCES', at },
    ...afterEvents(snapshot),
  ];
}

/** The abstraction of a snapshot the traversal distinguishes: state plus what the guards read. */
export function serializeModelState(snapshot: ModelSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    c.settings.enabled, c.settings.claimId !== null, c.stopped, c.configError !== null,
    c.banned, c.blockUntil !== null && c.blockUntil > c.now, c.reconnectRequested, Math.min(c.pubacks, 2),
    c.nodes.length > 0,
  ]);
}

export function serializeModelEvent(event: ModelEvent): string {
  return JSON.stringify(event, (key, value) => (key === 'at' ? undefined : value));
}
