import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDot, toMermaid } from '../../link/diagram.js';
import { linkMachine } from '../../machines/link.machine.js';
import { recordSession } from '../replay/support.js';
import { aclk, ensureBuilt } from './support.js';

let dir = '';
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'aclk-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('aclk replay', () => {
  it('prints the timeline, the same twice, and --verify passes on an unchanged recording', async () => {
    const file = join(dir, 'session.jsonl');
    await writeFile(file, `${(await recordSession()).join('\n')}\n`);
    const first = await aclk(['replay', file, '--verify']);
    const second = await aclk(['replay', file, '--verify']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('backoff.banned');
    expect(first.stdout).toContain('verify: the replay matches the recording');
    expect(second.stdout).toBe(first.stdout);
    const json = JSON.parse((await aclk(['replay', file, '--json'])).stdout) as { timeline: { state: string }[] };
    expect(json.timeline.map((t) => t.state)).toContain('connected.online');
  });

  it('--verify exits 1 with the first divergence when the path changes', async () => {
    const lines = await recordSession();
    const tampered = lines.map((l) => l.replace('"errorRetryDelaySeconds":42', '"errorRetryDelaySeconds":43'));
    expect(tampered).not.toEqual(lines);
    const file = join(dir, 'tampered.jsonl');
    await writeFile(file, `${tampered.join('\n')}\n`);
    const result = await aclk(['replay', file, '--verify']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('verify: DIVERGES at seq');
    expect(result.stderr.trim()).toMatch(/^REPLAY_DIVERGED: /);
  });

  it('a file that is not a recording is one coded line', async () => {
    const file = join(dir, 'garbage.jsonl');
    await writeFile(file, 'garbage\n');
    const result = await aclk(['replay', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^RECORDING_INVALID: recording line 1: /);
  });
});

describe('aclk diagram', () => {
  it('prints the machine as Mermaid (default), dot and JSON', async () => {
    expect((await aclk(['diagram'])).stdout.trim()).toBe(toMermaid(linkMachine));
    expect((await aclk(['diagram', '--format', 'dot'])).stdout.trim()).toBe(toDot(linkMachine));
    const json = JSON.parse((await aclk(['diagram', '--format', 'json'])).stdout) as { id: string; states: Record<string, unknown> };
    expect(json.id).toBe('link');
    expect(Object.keys(json.states).sort()).toEqual(['backoff', 'connected', 'connecting', 'disabled', 'unclaimed']);
  });
});
