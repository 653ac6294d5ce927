import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { fileRecorder, memorySink } from '../../link/record.js';
import type { HeaderLine, RecordLine } from '../../link/recording-format.js';
import { isSecretKey, Sanitizer, sanitizeString } from '../../link/recording-sanitize.js';
import { formatReplay, printReplay, replayFile } from '../../simulations/replay/print.js';
import { replayRecording } from '../../simulations/replay/replay.js';
import { createWorld } from '../../simulations/world/world.js';

describe('the sanitiser', () => {
  it('drops secret-looking keys, keeps what the statechart needs', () => {
    for (const key of ['password', 'mqttPassword', 'token', 'claimToken', 'secret', 'clientSecret', 'authorization', 'credentials', 'privateKey', 'key', 'apiKey', 'cookie', 'privatePem']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['connectionKey', 'errorMsgKey', 'ticket', 'claimId', 'reconnectAfterSeconds', 'errorRetryDelaySeconds', 'permaban', 'at']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('removes URL credentials, PEM blocks and bearer tokens from strings', () => {
    expect(sanitizeString('via http://bob:hunter2@proxy:3128 and socks5h://u@h')).toBe('via http://proxy:3128 and socks5h://h');
    expect(sanitizeString('key -----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY----- end')).toBe('key [redacted PEM] end');
    expect(sanitizeString('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(sanitizeString('authorization: Basic dXNlcjpwYXNz')).toBe('authorization: Basic [redacted]');
    expect(sanitizeString('basic checks passed')).toBe('basic checks passed');
  });

  it('pseudonymises the connection fingerprint consistently and reduces errors', () => {
    const s = new Sanitizer();
    const a = s.clean({ settings: { connectionKey: 'f00d', password: 'x', nested: [{ token: 't', ok: 1 }] } });
    expect(a).toEqual({ settings: { connectionKey: 'c1', nested: [{ ok: 1 }] } });
    expect(s.clean({ connectionKey: 'beef' })).toEqual({ connectionKey: 'c2' });
    expect(s.clean({ connectionKey: 'f00d' })).toEqual({ connectionKey: 'c1' });
    const error = Object.assign(new Error('HTTP 429 from https://u:p@cloud'), { code: 'ENV_NOT_200', at: 5, httpStatus: 429, cloud: { errorRetryDelaySeconds: 3, extra: 'x' }, cause: { password: 'p' } });
    expect(s.failure(error)).toEqual({ code: 'ENV_NOT_200', message: 'HTTP 429 from https://cloud', at: 5, httpStatus: 429, cloud: { errorRetryDelaySeconds: 3 } });
  });
});

describe('recording', () => {
  it('writes a header, events and states, composes with a user inspect and stops on stop()', async () => {
    const sink = memorySink();
    const seen: InspectionEvent[] = [];
    const w = createWorld({ seed: 5, record: sink, inspect: (e) => seen.push(e) });
    await w.link.start();
    await w.clock.advance(60_000);
    await w.clock.runUntil(w.link.stop());
    const lines = sink.lines.map((l) => JSON.parse(l) as RecordLine);
    const header = lines[0] as HeaderLine;
    expect(header).toMatchObject({ kind: 'header', version: 1, linkVersion: '0.1.0', seed: 5, policy: 'full', node: process.version });
    expect(header.xstate).toMatch(/^5\./);
    expect(header.input.settings.connectionKey).toBe('c1');
    expect(lines.filter((l) => l.kind === 'event').map((l) => l.kind === 'event' && l.event.type)).toContain('TRANSPORT_UP');
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'state', state: 'disabled', code: 'STOPPED' });
    const seqs = lines.slice(1).map((l) => (l.kind === 'header' ? 0 : l.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seen.some((e) => e.type === '@xstate.snapshot')).toBe(true);
    const count = sink.lines.length;
    w.link.enable();
    expect(sink.lines.length).toBe(count);
  });

  it('fileRecorder appends JSONL (0600) and is closed on stop; the file replays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aclk-rec-'));
    try {
      for (const buffered of [false, true]) {
        const path = join(dir, `run-${buffered}.jsonl`);
        const w = createWorld({ seed: 9, record: fileRecorder(path, { buffered }) });
        await w.link.start();
        await w.clock.advance(45_000);
        w.broker.dropAll();
        await w.clock.advance(45_000);
        await w.clock.runUntil(w.link.stop());
        const text = await readFile(path, 'utf8');
        expect(text.endsWith('\n')).toBe(true);
        expect(replayRecording(text, { verify: true }).divergence).toBeNull();
        let out = '';
        expect(await replayFile(path, { verify: true, write: (t) => { out += t; } })).toBe(0);
        expect(out).toContain('connected.online');
        expect(out).toContain('verify: the replay matches the recording');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a timeline as text or JSON, and a divergence with exit code 1', async () => {
    const sink = memorySink();
    const w = createWorld({ seed: 2, record: sink });
    await w.link.start();
    await w.clock.advance(10_000);
    await w.clock.runUntil(w.link.stop());
    const json = JSON.parse(formatReplay(replayRecording(sink.lines, { verify: true }), { json: true })) as { timeline: unknown[]; divergence: unknown };
    expect(json.divergence).toBeNull();
    expect(json.timeline.length).toBeGreaterThan(3);
    const tampered = sink.lines.map((l) => l.replace('"type":"TRANSPORT_UP"', '"type":"PING_TIMEOUT"'));
    let out = '';
    expect(printReplay(tampered.join('\n'), { verify: true, write: (t) => { out += t; } })).toBe(1);
    expect(out).toContain('verify: DIVERGES at seq');
  });
});
