/**
 * The real processes, end to end: `aclk cloud` prints its JSON line; `aclk claim` claims; `aclk run
 * --json` reaches connected.online; `aclk state --json` reports it (online, claim id); `aclk cloud-ctl`
 * lists the node and gets the built-in cmd answer; SIGTERM disconnects gracefully (reachable=false
 * with update_source AGENT, not the Last Will, reaches the cloud) and exits 0 within 2 s; then `aclk state` says no link runs; SIGINT closes the cloud (exit 0).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclkProcess, aclk, ensureBuilt, stateLine } from './support.js';

interface CloudInfo { url: string; token: string; adminToken: string; ca: string }
interface ConnectionView { claimId?: string; reachable?: boolean; updateSource?: string; sessionId?: unknown }
/** SIGTERM to exit of `aclk run`: below the 2 s PUBACK wait of a graceful disconnect. */
const STOP_BOUND_MS = 2_000;

let dir = '';
let cloud: AclkProcess | null = null;
let run: AclkProcess | null = null;
let info: CloudInfo;
let claimId = '';

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'aclk-cli-'));
}, 180_000);

afterAll(async () => {
  await run?.stop('SIGKILL');
  await cloud?.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const target = () => ['--url', info.url, '--admin-token', info.adminToken, '--ca', info.ca];

describe('aclk cloud + claim + run + state + cloud-ctl (real processes)', () => {
  it('aclk cloud prints exactly one JSON line with url, token, adminToken and ca', async () => {
    cloud = new AclkProcess(['cloud', '--port', '0', '--state-dir', join(dir, 'cloud')]);
    const { line } = await cloud.line((l) => l.startsWith('{'), 20_000);
    info = JSON.parse(line) as CloudInfo;
    expect(Object.keys(info).sort()).toEqual(['adminToken', 'ca', 'token', 'url']);
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.ca).toBe(join(dir, 'cloud', 'ca.pem'));
    expect(cloud.lines.filter((l) => l !== '')).toHaveLength(1);
  });

  it('aclk claim prints the claim id and exits 0', async () => {
    const result = await aclk(['claim', '--url', info.url, '--token', info.token, '--ca', info.ca, '--cloud-dir', join(dir, 'cloud.d'), '--hostname', 'cli-test', '--rooms', 'room-1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    claimId = result.stdout.trim();
    expect(claimId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.stdout + result.stderr).not.toContain(info.token);
  });

  it('aclk run --json reaches connected.online', async () => {
    run = new AclkProcess(['run', '--cloud-dir', join(dir, 'cloud.d'), '--ca', info.ca, '--json']);
    await run.line(stateLine('connected.online', 'ONLINE'), 30_000);
    const records = run.records();
    expect(records.map((r) => r.state)).toEqual(expect.arrayContaining(['connecting.env', 'connecting.authenticating', 'connecting.transport', 'connected.online']));
    for (const r of records) expect(Object.keys(r)).toEqual(expect.arrayContaining(['time', 'state', 'reason', 'code']));
    expect(new Date(records[0]?.time as string).toISOString()).toBe(records[0]?.time);
  });

  it('aclk state --json reports online and the claim id; the table says the same', async () => {
    const json = await aclk(['state', '--cloud-dir', join(dir, 'cloud.d'), '--json']);
    expect(json.code).toBe(0);
    const state = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(state).toMatchObject({ online: true, 'claimed-id': claimId, 'agent-claimed': true, 'cloud-url': info.url, 'mqtt-version': 4 });
    // The node instance's messages are acknowledged quickly: the backoff may already be reset (stable).
    expect(['connected.online', 'connected.stable']).toContain(state.state);
    expect(state['node-instances']).toEqual([expect.objectContaining({ hops: 0, live: true, 'reported-live': true, 'node-id': expect.stringMatching(/^[0-9a-f-]{36}$/) })]);
    const table = await aclk(['state', '--cloud-dir', join(dir, 'cloud.d')]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^online\s+true$/m);
    expect(table.stdout).toContain(claimId);
  });

  it('a second aclk run on the same cloud dir is refused with one coded line', async () => {
    const second = await aclk(['run', '--cloud-dir', join(dir, 'cloud.d'), '--ca', info.ca]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(/^LINK_ALREADY_RUNNING: [^\n]+$/);
  });

  it('aclk cloud-ctl nodes and cmd: the node is connected and answers GET /api/v1/info', async () => {
    const nodes = await aclk(['cloud-ctl', 'nodes', ...target(), '--json']);
    expect(nodes.code).toBe(0);
    // aclk run registers its own node: the cloud lists it with a node id, live, under this claim.
    expect(JSON.parse(nodes.stdout)).toMatchObject({ nodes: [{ claimId, connected: true, live: true, hops: 0, nodeId: expect.stringMatching(/^[0-9a-f-]{36}$/) }] });
    const cmd = await aclk(['cloud-ctl', 'cmd', ...target(), '--node', claimId, '--path', '/api/v1/info']);
    expect(cmd.code).toBe(0);
    expect(JSON.parse(cmd.stdout)).toMatchObject({ hostname: expect.any(String), version: '0.1.0', uptime: expect.any(Number), uid: expect.stringMatching(/^[0-9a-f-]{36}$/), kernel_name: expect.any(String) });
    const missing = await aclk(['cloud-ctl', 'cmd', ...target(), '--node', claimId, '--path', '/nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('CMD_HTTP_ERROR: the node answered GET /nope with HTTP 404');
  });

  it('SIGTERM: graceful disconnect (reachable=false from the AGENT, not the Last Will) within 2 s, exit 0, then no link runs', async () => {
    const active = run as AclkProcess;
    const sentAt = performance.now();
    expect(await active.stop('SIGTERM')).toBe(0);
    const stopMs = performance.now() - sentAt;
    // PROTOCOL.md section 4: the agent waits up to 2 s for the PUBACK of reachable=false, then
    // DISCONNECT. On loopback the PUBACK comes at once: a stop that waits out that 2 s (no PUBACK),
    // or the 5 s graceful budget of the statechart, is a bug.
    expect(stopMs).toBeLessThan(STOP_BOUND_MS);
    const states = active.records().map((r) => `${String(r.state)}/${String(r.code)}`);
    expect(states.slice(-2)).toEqual(['connected.disconnecting/STOPPED', 'disabled/STOPPED']);
    const nodes = await aclk(['cloud-ctl', 'nodes', ...target(), '--json']);
    expect(JSON.parse(nodes.stdout)).toMatchObject({ nodes: [{ claimId, connected: false, live: false }] });
    const log = await aclk(['cloud-ctl', 'messages', ...target(), '--node', claimId, '--json']);
    const connections = (JSON.parse(log.stdout) as { messages: { connection?: ConnectionView }[] }).messages.flatMap((m) => (m.connection === undefined ? [] : [m.connection]));
    // Both from the agent itself (update_source AGENT, adapters/mqtt/status.ts); a Last Will (LWT)
    // would mean the agent dropped the socket without its goodbye.
    expect(connections.map((c) => `${String(c.reachable)}/${String(c.updateSource)}`)).toEqual(['true/agent', 'false/agent']);
    expect(connections[1]?.claimId).toBe(claimId);
    expect(connections[1]?.sessionId).toBe(connections[0]?.sessionId);
    const after = await aclk(['state', '--cloud-dir', join(dir, 'cloud.d'), '--json']);
    expect(after.code).toBe(1);
    expect(after.stdout).toBe('');
    expect(after.stderr.trim()).toMatch(/^LINK_NOT_RUNNING: no aclk run is using [^\n]+$/);
  });

  it('aclk cloud closes cleanly on SIGINT (exit 0)', async () => {
    expect(await (cloud as AclkProcess).stop('SIGINT')).toBe(0);
    expect((cloud as AclkProcess).stderr).toContain('dev cloud closed');
    expect((cloud as AclkProcess).stderr).not.toContain(info.adminToken);
  });
});
