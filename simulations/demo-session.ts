/**
 * `npm start` (until the live demo against the development cloud lands): a narrated session of the
 * real statechart and effects in a simulated world, showing the link's states changing.
 */
import { createWorld } from './world/world.js';

const world = createWorld({ seed: 2026, config: { backoff: { policy: 'full', maxSeconds: 60 } } });
const { clock, link, cloud, broker } = world;
const t0 = clock.now();
const pace = process.env.ACLK_DEMO_FAST ? 0 : 400;
const pause = () => new Promise((resolve) => setTimeout(resolve, pace));
const stamp = () => {
  const ms = clock.now() - t0;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return `+${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
};

let printed = '';
link.subscribe((s) => {
  if (s.state === printed) return;
  printed = s.state;
  const wait = s.top === 'backoff' && s.lastBackoffMs !== null ? ` (next attempt in ${(s.lastBackoffMs / 1000).toFixed(3)} s)` : '';
  console.log(`  ${stamp()}  ${s.state.padEnd(26)} ${s.reason}${wait}`);
});
let lastState = '';
link.subscribe((s) => { lastState = s.state; });

async function chapter(title: string, act: () => Promise<void> | void): Promise<void> {
  console.log(`\n${title}`);
  await act();
  await pause();
}

console.log('Agent-Cloud Link: a simulated session (real statechart and effects; simulated clock, cloud and broker).');
await chapter('1. Start: the node is claimed and the cloud is enabled, so the link connects.', async () => {
  await link.start();
  await clock.advance(1_000);
});
await chapter('2. Three messages acknowledged: the backoff resets (connected.stable).', async () => {
  for (let i = 0; i < 3; i += 1) await clock.runUntil(link.publish('chart', new Uint8Array([i])));
  await clock.advance(10);
});
await chapter('3. The network drops: full-jitter backoff, then a new env/challenge/password/MQTT attempt.', async () => {
  broker.dropAll();
  await clock.advance(5_000);
});
await chapter('4. The broker refuses twice, then accepts: the waits grow, with jitter.', async () => {
  broker.dropAll();
  broker.script({ kind: 'refuse', code: 'CONNACK_REFUSED' }, { kind: 'refuse', code: 'CONNACK_REFUSED' });
  await clock.advance(20_000);
});
await chapter('5. The network drops, and the cloud answers env with HTTP 429, errorRetryDelaySeconds=30: the link waits exactly 30 s.', async () => {
  broker.dropAll();
  cloud.script('env', { kind: 'http-error', status: 429, body: { errorMsgKey: 'ErrTooManyRequests', errorRetryDelaySeconds: 30 } });
  await clock.advance(40_000);
});
await chapter('6. The cloud sends DisconnectReq(reconnect_after_seconds=45): graceful disconnect, then 45 s.', async () => {
  broker.disconnectReq(45, false);
  await clock.advance(50_000);
});
await chapter('7. The cloud bans the agent (permaban): it retries slowly, until the node is re-claimed.', async () => {
  broker.disconnectReq(0, true);
  await clock.advance(61_000);
  broker.disconnectReq(0, true);
  await clock.advance(1_000);
  link.claimed('22222222-3333-4444-8555-666666666666');
  await clock.advance(1_000);
});
await chapter('8. netdata cloud = disable: graceful disconnect, then nothing at all.', async () => {
  world.config.set({ enabled: false });
  await link.reload();
  await clock.advance(600_000);
});
await chapter('9. Stop: resolves when every socket and timer is gone.', async () => {
  await clock.runUntil(link.stop());
  console.log(`  ${stamp()}  stopped (${link.getState().reason}) in ${lastState}; open sessions: ${broker.open.size}, pending timers: ${clock.pending}`);
});
console.log('\nNext: `npm test` runs the model-based, property-based and integration tests.');
