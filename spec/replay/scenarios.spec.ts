/**
 * The scenario library (simulations/scenarios/*.jsonl, recorded from real runs of createCloudLink
 * against the dev cloud by record-scenarios.ts): every recording replays through the real statechart
 * with verification and the library's slack, with no divergence, and holds no secret-looking text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replayRecording } from '../../simulations/replay/index.js';
import { SCENARIO_SLACK_MS, scenarios } from '../../simulations/scenarios/record-scenarios.js';

const dir = fileURLToPath(new URL('../../simulations/scenarios/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

const REQUIRED = [
  'first-claim-and-connect', 'outage-and-recovery', 'ban', 'env-429-retry-delay', 'disconnect-req-reconnect-after',
  'untrusted-certificate', 'proxy-refusing', 'flapping-network', 'disable-enable-at-runtime', 'reclaim-while-connected',
];

describe('the scenario library', () => {
  it('holds at least the ten named scenarios, one file per generator scenario', () => {
    const names = files.map((f) => f.replace(/\.jsonl$/, ''));
    expect(names).toEqual(expect.arrayContaining(REQUIRED));
    expect(names).toEqual(expect.arrayContaining(scenarios.map((s) => s.name)));
    expect(SCENARIO_SLACK_MS).toBe(1_000);
  });

  it.each(files)('%s replays with verify and no divergence', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const result = replayRecording(text, { verify: true, slackMs: SCENARIO_SLACK_MS });
    expect(result.divergence).toBeNull();
    expect(result.timeline.length).toBeGreaterThan(3);
    expect(result.spanMs).toBeLessThan(30_000); // seconds of activity, not minutes
  });

  it.each(files)('%s holds no secret-looking text', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|-----BEGIN/);
    expect(text).not.toMatch(/"(password|token|claimToken|secret|privateKey|authorization|credentials)"/i);
    expect(text).not.toMatch(/\/\/[^/@\s"]+:[^/@\s"]+@/); // user:pass@ in a URL
    expect(text).not.toContain('scen-Pr0xy-pw');
    expect(text).not.toContain('scenuser');
    expect(text).not.toContain('NETDATA_CLAIM_TOKEN');
  });
});

describe('what each scenario shows', () => {
  const states = (name: string) => readFileSync(join(dir, `${name}.jsonl`), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { kind: string; state?: string; code?: string; event?: { type: string; error?: { code?: string } } });
  const codes = (name: string) => states(name).filter((l) => l.kind === 'state').map((l) => `${l.state}/${l.code}`);
  const errorCodes = (name: string) => states(name).filter((l) => l.event?.error).map((l) => l.event?.error?.code);

  it('each recording takes its expected path', () => {
    expect(codes('first-claim-and-connect')[0]).toBe('unclaimed/NOT_CLAIMED');
    expect(codes('first-claim-and-connect')).toContain('connected.online/ONLINE');
    expect(states('first-claim-and-connect').filter((l) => l.event?.type === 'PUBACK').length).toBeGreaterThanOrEqual(2);
    expect(errorCodes('outage-and-recovery')).toContain('ENV_NOT_200');
    expect(codes('outage-and-recovery').filter((c) => c === 'connected.online/ONLINE').length).toBe(2);
    expect(codes('ban').filter((c) => c === 'backoff.banned/CLOUD_BAN').length).toBeGreaterThanOrEqual(2);
    expect(codes('env-429-retry-delay')).toContain('backoff.waiting/ENV_NOT_200');
    expect(codes('disconnect-req-reconnect-after')).toContain('backoff.waiting/CLOUD_DISCONNECT');
    expect(errorCodes('untrusted-certificate').filter((c) => c === 'TLS_VERIFY_FAILED').length).toBeGreaterThanOrEqual(3);
    expect(errorCodes('proxy-refusing').filter((c) => c === 'PROXY_UNREACHABLE').length).toBeGreaterThanOrEqual(3);
    expect(errorCodes('proxy-connect-forbidden').filter((c) => c === 'PROXY_REFUSED').length).toBeGreaterThanOrEqual(3);
    expect(codes('flapping-network').filter((c) => c === 'backoff.waiting/SOCKET_CLOSED').length).toBeGreaterThanOrEqual(3);
    expect(codes('disable-enable-at-runtime')).toContain('disabled/DISABLED');
    expect(codes('reclaim-while-connected')).toEqual(expect.arrayContaining(['connected.disconnecting/CONFIG_RELOADED', 'connected.disconnecting/RECLAIMED']));
  });
});
