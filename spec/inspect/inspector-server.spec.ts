/**
 * The `--inspect` server (link/inspector-server.ts): on loopback unless asked, a foreign web page is
 * refused at the upgrade, viewers only receive (an oversized message closes the viewer with 1009,
 * a chatty one is closed with 1008, nothing they send is kept or relayed), and what is kept for late
 * viewers is bounded.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLocalInspector, type LocalInspector, type LocalInspectorOptions } from '../../link/inspection.js';
import { isAllowedOrigin, STATELY_ORIGIN } from '../../link/inspector-origin.js';
import { startInspectorServer, type InspectorServer } from '../../link/inspector-server.js';
import { replayFile } from '../../simulations/replay/print.js';
import { ROOT } from '../cli/support.js';

const servers: { stop(): Promise<void> }[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** The server of `startLocalInspector` (what `--inspect` starts), on any free port. */
async function server(options: LocalInspectorOptions = {}): Promise<InspectorServer> {
  const inspector = await startLocalInspector(0, options);
  servers.push(inspector);
  return inspector.server;
}

interface Viewer {
  readonly ws: WebSocket;
  readonly messages: string[];
  readonly closed: Promise<number>;
}

/** Opens a viewer; resolves when open, or rejects with the HTTP status of a refused upgrade. */
async function viewer(port: number, origin?: string): Promise<Viewer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, origin === undefined ? {} : { origin });
  sockets.push(ws);
  const messages: string[] = [];
  ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('where it listens', () => {
  it('on 127.0.0.1 by default, and says so in its URL', async () => {
    const inspector = await startLocalInspector(0);
    servers.push(inspector);
    const address = inspector.server.address();
    expect(address.address).toBe('127.0.0.1');
    expect(inspector.url).toBe(`http://127.0.0.1:${address.port}`);
  });

  it('elsewhere only when asked, with a warning', async () => {
    const warnings: string[] = [];
    const loopback = await startLocalInspector(0, { onWarning: (l) => warnings.push(l) });
    servers.push(loopback);
    expect(warnings).toEqual([]);
    const wide = await startLocalInspector(0, { host: '0.0.0.0', onWarning: (l) => warnings.push(l) });
    servers.push(wide);
    expect(wide.server.address().address).toBe('0.0.0.0');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: the inspector listens on 0\.0\.0\.0:\d+ without authentication/);
  });

  it('a port in use is INSPECT_PORT_IN_USE', async () => {
    const first = await server();
    await expect(startInspectorServer({ port: first.address().port })).rejects.toMatchObject({ code: 'INSPECT_PORT_IN_USE' });
  });
});

describe('who may connect', () => {
  it('origins: none, the inspector page itself (loopback or its host, same port), Stately; nothing else', () => {
    const policy = { port: 8080, hosts: ['192.0.2.7'] };
    for (const ok of [undefined, 'http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'http://192.0.2.7:8080', STATELY_ORIGIN]) {
      expect(isAllowedOrigin(ok, policy), String(ok)).toBe(true);
    }
    for (const bad of ['http://evil.example:8080', 'http://localhost:3000', 'https://localhost:8080', 'null', 'http://localhost.evil.example:8080',
      'https://stately.ai.evil.example', 'http://u:p@localhost:8080', 'file://', 'not a url']) {
      expect(isAllowedOrigin(bad, policy), bad).toBe(false);
    }
  });

  it('a foreign Origin is refused with 403 at the upgrade; no Origin and its own page are accepted', async () => {
    const s = await server();
    const { port } = s.address();
    await expect(viewer(port, 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(viewer(port, `http://evil.example:${port}`)).rejects.toThrow('HTTP 403');
    await viewer(port);
    await viewer(port, `http://127.0.0.1:${port}`);
    await viewer(port, `http://localhost:${port}`);
    await viewer(port, STATELY_ORIGIN);
    expect(s.stats().viewers).toBe(4);
  });

  it('serves the bridge page, which connects back to its own host', async () => {
    const s = await server();
    const response = await fetch(`${s.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("new WebSocket('ws://' + location.host)");
    expect((await fetch(`${s.url}/other`)).status).toBe(404);
  });
});

describe('what viewers send', () => {
  it('a message over the cap closes that viewer with 1009; nothing of it is kept or relayed', async () => {
    const s = await server({ maxPayload: 64 * 1024 });
    s.publish('{"type":"ours"}');
    const other = await viewer(s.address().port);
    const v = await viewer(s.address().port);
    v.ws.send('x'.repeat(1024 * 1024));
    expect(await v.closed).toBe(1009);
    const before = s.stats();
    expect(before.keptEvents).toBe(1);
    expect(before.keptBytes).toBe('{"type":"ours"}'.length);
    expect(other.messages).toEqual(['{"type":"ours"}']);
    expect(other.ws.readyState).toBe(WebSocket.OPEN); // the others stay
  });

  it('many messages grow nothing, reach nobody, and close the viewer with 1008', async () => {
    const s = await server();
    const other = await viewer(s.address().port);
    const v = await viewer(s.address().port);
    for (let i = 0; i < 200; i += 1) v.ws.send(`{"type":"@xstate.snapshot","n":${i},"pad":"${'p'.repeat(1000)}"}`);
    expect(await v.closed).toBe(1008);
    await until(() => s.stats().viewers === 1);
    expect(s.stats()).toEqual({ viewers: 1, keptEvents: 0, keptBytes: 0 });
    expect(other.messages).toEqual([]);
    const late = await viewer(s.address().port);
    await new Promise((r) => setTimeout(r, 50));
    expect(late.messages).toEqual([]);
  });
});

describe('what it keeps', () => {
  it('the newest events within a count and a byte budget, replayed to a late viewer', async () => {
    const s = await server({ keepEvents: 10, keepBytes: 1000 });
    for (let i = 0; i < 50; i += 1) s.publish(JSON.stringify({ n: i }));
    expect(s.stats().keptEvents).toBe(10);
    const late = await viewer(s.address().port);
    await until(() => late.messages.length === 10);
    expect(late.messages[0]).toBe('{"n":40}');
    for (let i = 0; i < 5; i += 1) s.publish(JSON.stringify({ pad: 'q'.repeat(300) }));
    expect(s.stats().keptBytes).toBeLessThanOrEqual(1000);
  });

  it('a viewer that does not read is dropped instead of buffered', async () => {
    const s = await server({ maxQueuedBytes: 1024 * 1024 });
    const slow = await viewer(s.address().port);
    slow.ws.pause();
    const chunk = JSON.stringify({ pad: 'r'.repeat(512 * 1024) });
    for (let i = 0; i < 200 && s.stats().viewers > 0; i += 1) {
      s.publish(chunk);
      await new Promise((r) => setImmediate(r));
    }
    expect(s.stats().viewers).toBe(0);
  });
});

describe('the inspector of a machine', () => {
  it('relays the sanitised inspection stream of the machine it inspects', async () => {
    const { createActor, createMachine } = await import('xstate');
    const inspector: LocalInspector = await startLocalInspector(0);
    servers.push(inspector);
    const v = await viewer(inspector.server.address().port);
    const actor = createActor(createMachine({ id: 'probe', context: () => ({ password: 'hunter2', url: 'http://u:pw@h' }), initial: 'a', states: { a: {} } }), { inspect: inspector.inspect });
    actor.start();
    await until(() => v.messages.some((m) => m.includes('"@xstate.snapshot"')));
    const text = v.messages.join('\n');
    const actorEvent = v.messages.map((m) => JSON.parse(m) as { type: string; definition?: string }).find((m) => m.type === '@xstate.actor');
    expect(actorEvent?.definition).toContain('"id":"probe"');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('u:pw@');
    actor.stop();
  });
});

it('a replayed link\'s messages are small: a snapshot goes as its JSON form, not its machine graph (it was 38 MB)', async () => {
  const inspector = await startLocalInspector(0);
  servers.push(inspector);
  const v = await viewer(inspector.server.address().port);
  const file = join(ROOT, 'simulations', 'scenarios', 'ban.jsonl');
  await replayFile(file, { inspect: { observer: inspector.inspect, paceMs: 0 }, write: () => undefined });
  await until(() => v.messages.some((m) => m.includes('backoff') && m.includes('banned')));
  const root = v.messages.map((m) => JSON.parse(m) as { type: string; name?: string; snapshot?: { value?: unknown } })
    .find((m) => m.type === '@xstate.actor' && m.name === 'link');
  expect(root?.snapshot?.value).toBeDefined();
  expect(Math.max(...v.messages.map((m) => m.length))).toBeLessThan(64 * 1024);
  expect(v.ws.readyState).toBe(WebSocket.OPEN);
});
