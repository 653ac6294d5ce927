/**
 * `aclk replay FILE --inspect`: @statelyai/inspect's inspector server plus the sanitised WebSocket
 * inspector, fed by a paced replay. A WebSocket client stands in for the browser's bridge page and
 * receives what a person would see: the machine's definition and every replayed state, in order.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../devcloud/free-port.js';
import { aclk, AclkProcess, ensureBuilt, ROOT } from './support.js';

const SCENARIO = join(ROOT, 'simulations', 'scenarios', 'ban.jsonl');
const children: AclkProcess[] = [];
const sockets: (Server | WebSocket)[] = [];

beforeAll(async () => ensureBuilt());
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
});

/** A viewer on the inspector server (retrying until it listens), collecting every relayed message. */
async function viewer(port: number, messages: Record<string, unknown>[]): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    // Listening before 'open': the server sends its kept events at once, possibly in the same read as the
    // upgrade's answer, and ws emits them before a listener added after an awaited 'open' would exist.
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
    });
    if (opened) {
      sockets.push(ws);
      return;
    }
    if (attempt > 100) throw new Error(`no inspector server on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const statePath = (v: unknown): string => (typeof v === 'string' ? v
  : typeof v === 'object' && v !== null ? Object.entries(v).map(([k, c]) => `${k}.${statePath(c)}`)[0] ?? '' : '');

it('serves the inspector and replays the recording into it, paced, until Ctrl-C', async () => {
  const expected = (JSON.parse((await aclk(['replay', SCENARIO, '--json'])).stdout) as { timeline: { state: string }[] })
    .timeline.map((t) => t.state);
  expect(expected).toContain('backoff.banned');
  const port = await freePort();
  const child = new AclkProcess(['replay', SCENARIO, '--inspect', String(port), '--pace', '20']);
  children.push(child);
  const messages: Record<string, unknown>[] = [];
  await viewer(port, messages);
  await child.line((l) => l.includes('verify') || l.includes('states,'), 30_000);
  const deadline = Date.now() + 10_000;
  while (!child.stderr.includes('the inspector stays open') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(child.stderr).toContain(`inspector: http://127.0.0.1:${port}`);
  expect(child.stderr).toContain('the inspector stays open');

  const definition = messages.find((m) => m.type === '@xstate.actor' && typeof m.definition === 'string');
  expect(String(definition?.definition)).toContain('"id":"link"');
  const seen = messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === m.rootId)
    .map((m) => statePath((m.snapshot as { value?: unknown } | undefined)?.value));
  const distinct = seen.filter((s, i) => i === 0 || s !== seen[i - 1]);
  expect(distinct).toEqual(expected); // every replayed state, in order, nothing else
  expect(JSON.stringify(messages)).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|:\/\/[^/\s"]+:[^@/\s"]+@/);

  expect(child.child.exitCode).toBeNull(); // still serving
  expect(await child.stop('SIGINT')).toBe(0);
});

/** The local addresses listening on `port`, from /proc/net/tcp and tcp6 (what `ss -ltn` shows). */
async function listeners(port: number): Promise<string[]> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const row of text.split('\n').slice(1)) {
      const [, local, , state] = row.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hex}`)) continue;
      const addr = local.slice(0, -5);
      found.push(addr.length === 8 ? addr.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : addr);
    }
  }
  return found;
}

it('listens on 127.0.0.1 only, and refuses a foreign page with 403', async () => {
  const port = await freePort();
  const child = new AclkProcess(['replay', SCENARIO, '--inspect', String(port), '--pace', '20']);
  children.push(child);
  await viewer(port, []);
  expect(await listeners(port)).toEqual(['127.0.0.1']);
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { origin: 'https://evil.example' });
    sockets.push(ws);
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve(101));
    ws.once('error', () => undefined);
  });
  expect(status).toBe(403);
});

it('--inspect-host widens it, with a warning on stderr', async () => {
  const port = await freePort();
  const child = new AclkProcess(['replay', SCENARIO, '--inspect-host', '0.0.0.0', '--inspect', String(port), '--pace', '20']);
  children.push(child);
  await viewer(port, []);
  expect(await listeners(port)).toEqual(['0.0.0.0']);
  expect(child.stderr).toMatch(/warning: the inspector listens on 0\.0\.0\.0:\d+ without authentication/);
});

it('a port in use is one coded line', async () => {
  const busy = createServer();
  sockets.push(busy);
  await new Promise<void>((resolve) => busy.listen(0, resolve));
  const { port } = busy.address() as { port: number };
  const result = await aclk(['replay', SCENARIO, '--inspect', String(port)]);
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toMatch(/^INSPECT_PORT_IN_USE: /);
});
