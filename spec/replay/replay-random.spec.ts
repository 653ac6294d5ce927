/**
 * Random simulated sessions (cloud errors with bodies, timeouts, refused and never-answered
 * CONNECTs, drops, DisconnectReqs, ping timeouts, reloads, re-claims, disable/enable) all replay
 * with no divergence: the recording is a complete account of the machine's inputs.
 */
import { expect, it } from 'vitest';
import { memorySink } from '../../link/record.js';
import { replayRecording } from '../../simulations/replay/replay.js';
import { seededRandom } from '../../simulations/world/seeded-random.js';
import type { CloudAnswer } from '../../simulations/world/sim-cloud.js';
import { createWorld, type SimWorld } from '../../simulations/world/world.js';

const answers: CloudAnswer[] = [
  { kind: 'ok' }, { kind: 'timeout' }, { kind: 'network-error', code: 'CONNECT_REFUSED' },
  { kind: 'http-error', status: 503 }, { kind: 'http-error', status: 429, body: { errorRetryDelaySeconds: 17 } },
  { kind: 'http-error', status: 403, body: { errorNonRetryable: true } },
];

function act(w: SimWorld, pick: (n: number) => number): void {
  switch (pick(12)) {
    case 0: w.cloud.script((['env', 'challenge', 'password'] as const)[pick(3)]!, answers[pick(answers.length)]!); break;
    case 1: w.broker.script([{ kind: 'refuse', code: 'CONNACK_REFUSED' } as const, { kind: 'never' } as const][pick(2)]!); break;
    case 2: case 3: w.broker.dropAll(); break;
    case 4: w.broker.disconnectReq(pick(3) * 10, pick(6) === 0); break;
    case 5: w.broker.pingTimeout(); break;
    case 6: void w.link.reload(); break;
    case 7: w.link.claimed(`claim-${pick(3)}`); break;
    case 8: w.link.disable(); break;
    case 9: w.link.enable(); break;
    case 10: w.config.set({ proxy: pick(2) ? 'none' : 'http://u:p@proxy.sim:3128' }); void w.link.reload(); break;
    default: break;
  }
}

const RUNS = Number(process.env.ACLK_REPLAY_RUNS ?? 25);

it('random simulated sessions replay with no divergence', async () => {
  let lines = 0;
  for (let seed = 1; seed <= RUNS; seed += 1) {
    const sink = memorySink();
    const w = createWorld({ seed, record: sink, config: { backoff: { policy: (['full', 'equal', 'decorrelated', 'netdata', 'none'] as const)[seed % 5]! } } });
    const rnd = seededRandom(seed * 7919);
    const pick = (n: number) => Math.floor(rnd.next() * n);
    await w.link.start();
    for (let step = 0; step < 40; step += 1) {
      act(w, pick);
      await w.clock.advance([5, 500, 20_000, 61_000, 130_000][pick(5)]!);
    }
    await w.clock.runUntil(w.link.stop());
    const result = replayRecording(sink.lines, { verify: true });
    expect(result.divergence, `seed ${seed}`).toBeNull();
    expect(sink.lines.join('\n')).not.toContain('u:p@');
    lines += sink.lines.length;
  }
  console.log(`random sessions: ${RUNS} recordings, ${lines} lines, all replayed with no divergence`);
});
