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

it('a recording whose failure message holds terminal escapes: printed neutralised, --json exact', async () => {
  const lines = readFileSync(join(ROOT, 'simulations', 'scenarios', 'env-429-retry-delay.jsonl'), 'utf8').trim().split('\n');
  const evil = '\u001b]0;pwned\u0007\r\n2026-01-01T00:00:00.000Z connected.online \u202e';
  const file = join(dir, 'evil.jsonl');
  await writeFile(file, `${lines.map((l) => l.replace('injected fault on env (retry after 2 s)', JSON.stringify(evil).slice(1, -1))).join('\n')}\n`);
  const human = await aclk(['replay', file]);
  expect(human.code).toBe(0);
  expect(human.stdout).toContain('\\x1b]0;pwned\\x07\\r\\n2026-01-01T00:00:00.000Z connected.online \\u202e');
  // eslint-disable-next-line no-control-regex -- the point: no raw control character reaches the terminal
  expect(human.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  const json = await aclk(['replay', file, '--json']);
  expect(json.code).toBe(0);
  expect(json.stdout).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
  expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(evil).slice(1, -1));
});
