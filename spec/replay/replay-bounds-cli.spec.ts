/** `aclk replay` on hostile recordings: one coded line, at once, instead of running for ever or running out of memory. */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { aclk, ensureBuilt, ROOT } from '../cli/support.js';

const SCENARIO = readFileSync(join(ROOT, 'simulations', 'scenarios', 'ban.jsonl'), 'utf8').trim().split('\n');

let dir = '';
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'aclk-replay-bounds-'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

it('an event at 99999999999999999: RECORDING_TIME_OUT_OF_RANGE at once (it ran for ever)', async () => {
  const file = join(dir, 'far.jsonl');
  await writeFile(file, `${SCENARIO.slice(0, 2).join('\n')}\n{"kind":"event","seq":3,"at":99999999999999999,"event":{"type":"NETWORK_UP"}}\n`);
  const started = Date.now();
  const result = await aclk(['replay', file], 20_000);
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toMatch(/^RECORDING_TIME_OUT_OF_RANGE: recording line 3: /);
  expect(Date.now() - started).toBeLessThan(15_000);
});

it('a file over --max-size: RECORDING_TOO_LARGE; under it, replayed', async () => {
  const padAt = (JSON.parse(SCENARIO[SCENARIO.length - 1] ?? '{}') as { at: number }).at;
  const pad = Array.from({ length: 12_000 }, (_, i) => JSON.stringify({ kind: 'event', seq: 10_000 + i, at: padAt, event: { type: 'NOTHING', pad: 'x'.repeat(100) } }));
  const file = join(dir, 'big.jsonl');
  await writeFile(file, `${[...SCENARIO, ...pad].join('\n')}\n`); // about 2.2 MB
  const refused = await aclk(['replay', file, '--max-size', '1']);
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim()).toMatch(/^RECORDING_TOO_LARGE: the recording .* is \d+ bytes, more than the 1048576 a replay reads/);
  const replayed = await aclk(['replay', file, '--max-size', '3']);
  expect(replayed.code).toBe(0);
  expect(replayed.stdout).toContain('backoff.banned');
});
