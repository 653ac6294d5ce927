import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventLine, StateLine } from '../../link/recording-format.js';
import { replayRecording } from '../../simulations/replay/replay.js';
import { recordFlapping, recordSession } from './support.js';

describe('replaying a recorded simulated session', () => {
  let lines: string[];
  beforeAll(async () => {
    lines = await recordSession();
  });

  it('covers the interesting events', () => {
    const text = lines.join('\n');
    for (const needle of ['errorRetryDelaySeconds', 'DISCONNECT_REQ', 'backoff.banned', '"DISABLE"', '"ENABLE"', 'PING_TIMEOUT', 'xstate.after.backoffDelay', 'xstate.after.banRetry']) {
      expect(text, needle).toContain(needle);
    }
  });

  it('replays with no divergence', () => {
    const result = replayRecording(lines, { verify: true });
    expect(result.divergence).toBeNull();
    const states = lines.map((l) => JSON.parse(l) as StateLine).filter((l) => l.kind === 'state');
    expect(result.timeline).toHaveLength(states.length);
    expect(result.delayedFired).toBeGreaterThan(5);
  });

  it('two replays of the same recording are identical', () => {
    const text = lines.join('\n');
    expect(JSON.stringify(replayRecording(text, { verify: true }))).toBe(JSON.stringify(replayRecording(text, { verify: true })));
  });

  it('a tampered retry delay is reported at the first divergence', () => {
    const parsed = lines.map((l) => JSON.parse(l) as { kind: string; seq: number; event?: EventLine['event'] });
    const index = parsed.findIndex((l) => JSON.stringify(l.event ?? {}).includes('errorRetryDelaySeconds'));
    expect(index).toBeGreaterThan(0);
    const tampered = lines.map((l, i) => (i === index ? l.replace('"errorRetryDelaySeconds":42', '"errorRetryDelaySeconds":43') : l));
    expect(tampered[index]).toContain(':43');
    const result = replayRecording(tampered, { verify: true });
    expect(result.divergence).not.toBeNull();
    const tamperedSeq = parsed[index]!.seq;
    // The wait itself is not a state change; the first difference is when the next attempt starts.
    expect(result.divergence!.seq).toBeGreaterThan(tamperedSeq);
    const nextAttempt = parsed.find((l) => l.kind === 'state' && l.seq > tamperedSeq + 1);
    expect(result.divergence!.seq).toBeLessThanOrEqual(nextAttempt!.seq + 1);
    console.log('tampered replay, first divergence:', JSON.stringify(result.divergence));
  });

  it('a removed host event diverges at the next state line', () => {
    const index = lines.findIndex((l) => l.includes('"type":"DISABLE"'));
    const next = lines.slice(index).map((l) => JSON.parse(l) as StateLine).find((l) => l.kind === 'state');
    const result = replayRecording(lines.filter((_, i) => i !== index), { verify: true });
    expect(result.divergence?.kind).toBe('state');
    expect(result.divergence?.seq).toBe(next?.seq);
    expect(result.divergence?.expected).toEqual({ at: next?.at, state: next?.state, reason: next?.reason, code: next?.code });
  });
});

describe('replay speed', () => {
  it('an hour of recorded flapping replays far faster than real time', async () => {
    const { lines, flaps } = await recordFlapping(1);
    const t0 = performance.now();
    const result = replayRecording(lines, { verify: true });
    const ms = performance.now() - t0;
    expect(result.divergence).toBeNull();
    console.log(`replay: 1 simulated hour, ${flaps} flaps, ${lines.length} lines, ${result.timeline.length} states replayed in ${ms.toFixed(1)} ms`);
  });
});
