/**
 * The guided tour of `aclk demo`, against a running dev cloud and a claimed, started link:
 * 1 connect; 2 a `cmd` request answered by the built-in handler; 3 a DisconnectReq with
 * reconnect-after; 4 an outage, backoff and recovery; 5 messages published during the outage, every
 * one delivered afterwards (checked with the cloud's message log).
 */
import type { LinkHandle } from '../link/create-link.js';
import type { LinkState } from '../link/state.js';
import type { AdminClient } from './admin-client.js';
import { CliError } from './errors.js';
import { waitForState } from './watch.js';

export interface TourContext {
  readonly link: LinkHandle;
  readonly admin: AdminClient;
  readonly claimId: string;
  /** A narration line (a chapter title or a note). */
  readonly say: (text: string) => void;
  readonly elapsed: () => string;
}

export const TOUR = { reconnectAfterSeconds: 5, outageSeconds: 6, messages: 5, topic: 'chart' } as const;

const online = (s: LinkState): boolean => s.online;
const offline = (s: LinkState): boolean => !s.online;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function connect({ link, say }: TourContext): Promise<void> {
  say('\n1. Connect: GET /api/v1/env, the RSA challenge, one-time MQTT credentials, then MQTT over WSS.');
  await link.start();
  const up = await waitForState(link, online, 30_000, 'connecting');
  say(`   online: MQTT ${up.mqttVersion === 5 ? '5' : '3.1.1'}, claim id ${up.claimId ?? '-'}`);
}

async function command({ admin, claimId, say }: TourContext): Promise<void> {
  say('\n2. The cloud sends a `cmd` request (GET /api/v1/info); the built-in handler answers it.');
  const reply = await admin<{ status: number; body: string }>('POST', `/admin/nodes/${claimId}/cmd`, { method: 'GET', path: '/api/v1/info', timeoutMs: 10_000 });
  say(`   the node answered HTTP ${reply.status}: ${reply.body}`);
  if (reply.status !== 200) throw new CliError('DEMO_CMD_FAILED', `the cmd request was answered with HTTP ${reply.status}`);
}

async function disconnect({ link, admin, claimId, say }: TourContext): Promise<void> {
  const wait = TOUR.reconnectAfterSeconds;
  say(`\n3. The cloud sends DisconnectReq(reconnect_after_seconds=${wait}): a graceful disconnect, then exactly ${wait} s of waiting.`);
  const before = link.getState().reconnectCount;
  await admin('POST', `/admin/nodes/${claimId}/disconnect`, { reconnectAfterSeconds: wait });
  await waitForState(link, offline, 10_000, 'the disconnect');
  const downAt = Date.now();
  await waitForState(link, (s) => s.online && s.reconnectCount > before, (wait + 30) * 1000, 'the reconnection');
  say(`   back online ${seconds(Date.now() - downAt)} after the disconnect (asked: ${wait} s)`);
}

async function outageAndPublish({ link, admin, claimId, say }: TourContext): Promise<void> {
  const { outageSeconds, messages, topic } = TOUR;
  say(`\n4. A ${outageSeconds} s cloud outage: MQTT dropped, env answers 503. The link backs off (full jitter, at most 8 s) and recovers.`);
  const log = async () => (await admin<{ messages: { messageType: string }[] }>('GET', `/admin/messages?node=${claimId}`)).messages.filter((m) => m.messageType === topic).length;
  const sentBefore = await log();
  const before = link.getState().reconnectCount;
  const started = Date.now();
  await admin('POST', '/admin/outage', { seconds: outageSeconds });
  await waitForState(link, offline, 10_000, 'the outage');

  say(`\n5. Meanwhile the host publishes ${messages} messages on "${topic}": they wait in the outbox.`);
  const acked = Array.from({ length: messages }, (_, i) => link.publish(topic, new TextEncoder().encode(`demo message ${i + 1}`)));
  const settled = Promise.allSettled(acked);
  say(`   outbox: ${link.getState().outboxSize} message(s) queued while ${link.getState().state}`);
  await waitForState(link, (s) => s.online && s.reconnectCount > before, (outageSeconds + 40) * 1000, 'the recovery after the outage');
  say(`   recovered ${seconds(Date.now() - started)} after the outage began`);
  const results = await settled;
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) throw new CliError('DEMO_PUBLISH_FAILED', `${failed.length} of ${messages} messages were rejected: ${String((failed[0] as PromiseRejectedResult).reason)}`);
  const received = (await log()) - sentBefore;
  say(`   every publish acknowledged (PUBACK); the cloud's message log shows ${received}/${messages} "${topic}" messages from this node`);
  if (received < messages) throw new CliError('DEMO_MESSAGES_MISSING', `the cloud logged ${received} of ${messages} messages`);
}

export async function runTour(ctx: TourContext): Promise<void> {
  for (const chapter of [connect, command, disconnect, outageAndPublish]) await chapter(ctx);
}
