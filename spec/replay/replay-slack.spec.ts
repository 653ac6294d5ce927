/**
 * A real run's timers fire a little late: a recorded event can sit between a timer's due time and
 * its delayed event. `slackMs` replays such a recording in its recorded order; without it the
 * replay's timer fires first and verification reports the difference.
 */
import { expect, it } from 'vitest';
import { defaultSettings } from '../../machines/defaults.js';
import { replayRecording } from '../../simulations/replay/replay.js';

const N = 1_767_225_600_000;
const header = {
  kind: 'header', version: 1, linkVersion: '0.1.0', xstate: '5', node: 'v20', seed: 1, policy: 'full',
  input: { settings: defaultSettings({ enabled: true, claimId: 'claim-a', connectionKey: 'c1' }), seed: 1, now: N },
};
const env = { authEndpoint: 'https://cloud/api/v1/auth', endpoint: 'wss://broker/mqtt', mqttVersion: 5 };
const events = [
  { type: 'xstate.done.actor.env', output: { at: N + 10, env } },
  { type: 'xstate.done.actor.auth', output: { at: N + 20, ticket: 'ticket-1' } },
  { type: 'TRANSPORT_UP', at: N + 30, mqttVersion: 5 },
  // stableAfter is due at N + 30_030; the timer fired 20 ms late, after this PUBACK.
  { type: 'PUBACK', at: N + 30_040 },
  { type: 'xstate.after.stableAfter.link.connected.online' },
];
const eventLines = events.map((event, i) => ({ kind: 'event', seq: i + 1, at: (event as { at?: number }).at ?? (event as { output?: { at: number } }).output?.at ?? N + 30_050, event }));

it('slackMs keeps the recorded order of a late timer; without it the replay reports the difference', () => {
  const lines = [header, ...eventLines].map((l) => JSON.stringify(l));
  const base = replayRecording(lines, { slackMs: 50 });
  let seq = eventLines.length;
  const withStates = [...lines, ...base.timeline.map((e) => JSON.stringify({ kind: 'state', seq: ++seq, ...e }))];
  expect(replayRecording(withStates, { verify: true, slackMs: 50 }).divergence).toBeNull();
  const strict = replayRecording(withStates, { verify: true });
  expect(strict.divergence).toMatchObject({ seq: 4, kind: 'event', actual: ['xstate.after.stableAfter.link.connected.online'] });
});
