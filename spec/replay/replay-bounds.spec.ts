/**
 * Hostile recordings: times that would make the replay run for ever, settings that make the machine
 * loop on short timers, files and lines too large to hold. Each is refused with a coded error, fast;
 * a large file is read and replayed line by line, never whole.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFile } from '../../simulations/replay/print.js';
import { readRecordingLines } from '../../simulations/replay/read-lines.js';
import { replayRecording } from '../../simulations/replay/replay.js';
import { replayLines } from '../../simulations/replay/stream.js';
import { ROOT } from '../cli/support.js';

const SCENARIO = readFileSync(join(ROOT, 'simulations', 'scenarios', 'ban.jsonl'), 'utf8').trim().split('\n');
const HEADER = JSON.parse(SCENARIO[0] ?? '{}') as { input: { now: number; settings: Record<string, unknown> } };
const START = HEADER.input.now;
const DAY = 86_400_000;
/** The header and first state line: the machine is connecting, with effects that never settle. */
const PREFIX = SCENARIO.slice(0, 2);
/** The probe's line, as written in the file. */
const FAR = '{"kind":"event","seq":3,"at":99999999999999999,"event":{"type":"NETWORK_UP"}}';
const event = (seq: number, at: number, type = 'NETWORK_UP'): string => JSON.stringify({ kind: 'event', seq, at, event: { type } });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};
const asyncCodeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(() => undefined, (error: unknown) => (error as { code?: string }).code);

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'aclk-bounds-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('simulated time is bounded', () => {
  it('an event at 99999999999999999 is RECORDING_TIME_OUT_OF_RANGE at once (it replayed for ever)', () => {
    const started = Date.now();
    expect(codeOf(() => replayRecording([...PREFIX, FAR]))).toBe('RECORDING_TIME_OUT_OF_RANGE');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an event more than the span after the start is refused; one within it replays', () => {
    expect(codeOf(() => replayRecording([...PREFIX, event(3, START + 32 * DAY)]))).toBe('RECORDING_TIME_OUT_OF_RANGE');
    expect(codeOf(() => replayRecording([...PREFIX, event(3, START + 61_000)], { maxSpanMs: 60_000 }))).toBe('RECORDING_TIME_OUT_OF_RANGE');
    expect(replayRecording([...PREFIX, event(3, START + 59_000)], { maxSpanMs: 60_000 }).spanMs).toBe(59_000);
  });

  it('event times never go back, and are safe integers', () => {
    expect(codeOf(() => replayRecording([...PREFIX, event(3, START + 10), event(4, START + 5)]))).toBe('RECORDING_TIME_OUT_OF_RANGE');
    expect(codeOf(() => replayRecording([...PREFIX, event(3, START - 1)]))).toBe('RECORDING_TIME_OUT_OF_RANGE');
    expect(codeOf(() => replayRecording([...PREFIX, event(3, START + 0.5)]))).toBe('RECORDING_TIME_OUT_OF_RANGE');
    const header = JSON.stringify({ ...HEADER, input: { ...HEADER.input, now: 1e300 } });
    expect(codeOf(() => replayRecording([header]))).toBe('RECORDING_TIME_OUT_OF_RANGE');
  });

  it('a machine that loops on timers stops at maxTimers: RECORDING_TOO_MANY_TIMERS', () => {
    const lines = [...PREFIX, event(3, START + DAY)];
    expect(replayRecording(lines).delayedFired).toBeGreaterThan(1000); // a day of retries, within the default
    expect(codeOf(() => replayRecording(lines, { maxTimers: 100 }))).toBe('RECORDING_TOO_MANY_TIMERS');
  });
});

describe('files are bounded and streamed', () => {
  /** Events the machine ignores, at the time of the 8th line (so the recording stays in order). */
  const padAt = Math.max(...SCENARIO.slice(0, 8).map((l) => (JSON.parse(l) as { at?: number }).at ?? 0));
  const padding = (from: number, count: number): string[] =>
    Array.from({ length: count }, (_, i) => JSON.stringify({ kind: 'event', seq: from + i, at: padAt, event: { type: 'NOTHING', pad: 'x'.repeat(80) } }));

  it('a file over maxBytes is RECORDING_TOO_LARGE before any of it is parsed', async () => {
    const file = join(dir, 'garbage-big.jsonl');
    await writeFile(file, `garbage\n${'y'.repeat(4096)}\n`);
    expect(await asyncCodeOf(replayFile(file, { maxBytes: 1024, write: () => undefined }))).toBe('RECORDING_TOO_LARGE');
    expect(await asyncCodeOf(replayFile(file, { write: () => undefined }))).toBe('RECORDING_INVALID');
  });

  it('a line over maxLineBytes is RECORDING_LINE_TOO_LONG, even with no newline at all', async () => {
    const file = join(dir, 'long-line.jsonl');
    await writeFile(file, `${PREFIX.join('\n')}\n${'z'.repeat(200_000)}`);
    expect(await asyncCodeOf(replayFile(file, { maxLineBytes: 65_536, write: () => undefined }))).toBe('RECORDING_LINE_TOO_LONG');
  });

  it('a multi-MB file replays line by line: the machine runs before the file is read to its end', async () => {
    const lines = [...SCENARIO.slice(0, 8), ...padding(1000, 60_000), ...SCENARIO.slice(8)];
    const file = join(dir, 'big.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    let out = '';
    expect(await replayFile(file, { verify: true, write: (t) => { out += t; } })).toBe(0);
    expect(out).toContain('verify: the replay matches the recording');
    expect(out).toContain('backoff.banned');

    // A bad line at the very end of the big file: the replay has already run the machine when it is read.
    await writeFile(file, `${lines.join('\n')}\nnot json\n`);
    let inspected = 0;
    const code = await asyncCodeOf(replayFile(file, { inspect: { observer: { next: () => { inspected += 1; } }, paceMs: 0 }, write: () => undefined }));
    expect(code).toBe('RECORDING_INVALID');
    expect(inspected).toBeGreaterThan(0); // whole-file parsing would fail before the machine starts
  });

  it('readRecordingLines yields the lines of a file larger than a chunk, and stops reading when the consumer stops', async () => {
    const file = join(dir, 'lines.jsonl');
    const lines = padding(1, 20_000);
    await writeFile(file, `${lines.join('\n')}\nlast without newline`);
    let count = 0;
    for await (const line of readRecordingLines(file)) {
      count += 1;
      if (count <= lines.length) expect(line).toBe(lines[count - 1]);
      else expect(line).toBe('last without newline');
    }
    expect(count).toBe(lines.length + 1);
    const first = readRecordingLines(file);
    expect((await first.next()).value).toBe(lines[0]);
    await first.return(undefined);
  });

  it('replayLines replays each event as it arrives', async () => {
    const seen: number[] = [];
    let produced = 0;
    async function* source(): AsyncGenerator<string> {
      for (const line of SCENARIO) {
        produced += 1;
        yield line;
      }
    }
    const result = await replayLines(source(), { inspect: (ev) => { if (ev.type === '@xstate.event') seen.push(produced); } });
    expect(result.eventsSent).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeLessThan(SCENARIO.length); // events reached the machine before the last line was produced
  });
});
