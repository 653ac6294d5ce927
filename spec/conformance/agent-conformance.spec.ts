/**
 * Conformance with the Netdata agent (issue 12): what this link actually sends against the development
 * cloud during claim, connect, node registration, a `cmd`, a DisconnectReq and a graceful stop, checked
 * row by row against spec/conformance/agent-table.ts (each row names the agent's source), and printed.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { readAgentMessage } from '../../devcloud/broker/agent-message.js';
import { nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline } from '../integration/support/real-link.js';
import { cleanupTestResources, cloudRequest, startTestCloud } from '../support/dev-cloud.js';
import { AGENT_TABLE, type ConformanceRow, type HttpRow, type MqttRow } from './agent-table.js';

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

interface SeenHttp { method: string; path: string; query: string[]; headers: string[]; body: unknown }
interface SeenMqtt { name: string; value: unknown }

/** A dotted path into a value (`node.id`, `header.msg-id`). */
function at(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function recordHttp(req: IncomingMessage, seen: SeenHttp[]): void {
  const url = new URL(req.url ?? '/', 'https://x');
  if (url.pathname.startsWith('/admin/')) return;
  const entry: SeenHttp = { method: req.method ?? '', path: url.pathname, query: [...url.searchParams.keys()], headers: Object.keys(req.headers), body: undefined };
  seen.push(entry);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      entry.body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      entry.body = undefined;
    }
  });
}

function httpMatches(row: HttpRow, seen: SeenHttp, claimId: string): boolean {
  return seen.method === row.method && seen.path === row.path.replace(':claimId', claimId)
    && row.query.every((q) => seen.query.includes(q)) && row.headers.every((h) => seen.headers.includes(h))
    && row.body.every((k) => at(seen.body, k) !== undefined);
}

function mqttMatches(row: MqttRow, seen: SeenMqtt): boolean {
  return seen.name === row.topic && row.fields.every((f) => at(seen.value, f) !== undefined)
    && Object.entries(row.values ?? {}).every(([k, v]) => at(seen.value, k) === v);
}

describe('conformance with the Netdata agent', () => {
  it('every request and message of the table is sent as the agent sends it', async () => {
    const { cloud } = await startTestCloud();
    const http: SeenHttp[] = [];
    cloud.httpsServer.prependListener('request', (req: IncomingMessage) => recordHttp(req, http));
    const mqtt: (SeenMqtt & { step: string })[] = [];
    let step = 'connect';
    cloud.broker.onAgentMessage((claimId, topic, payload) => {
      const m = readAgentMessage(cloud.settings().topics, claimId, topic, payload);
      if (m.decoded) mqtt.push({ name: m.name, value: m.decoded.value, step });
    });

    const node = await nodeFiles(cloud);
    const claimId = node.claimId ?? '';
    const t = startTestLink(node, cloud);
    t.link.nodes.register({ machineGuid: randomUUID(), hostname: 'conformance', info: { os: 'linux' } });
    await t.link.start();
    await waitOnline(t);
    await waitFor('node info', () => mqtt.some((m) => m.name === 'node-instance-info'));

    step = 'cmd';
    const reply = await cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/cmd`, { body: { path: '/api/v1/info' } });
    expect(reply.status).toBe(200);

    step = 'DisconnectReq';
    const mark = mqtt.length;
    await cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/disconnect`, { body: { reconnectAfterSeconds: 0 } });
    await waitFor('reconnected', () => mqtt.slice(mark).some((m) => m.name === 'agent-connection' && at(m.value, 'reachable') === true));

    step = 'graceful stop';
    await t.link.stop();
    await waitFor('goodbye', () => mqtt.some((m) => m.step === 'graceful stop' && m.name === 'agent-connection'));

    const results = AGENT_TABLE.map((row: ConformanceRow) => {
      const ok = row.kind === 'http'
        ? http.some((s) => httpMatches(row, s, claimId))
        : mqtt.some((s) => (row.step === 'DisconnectReq' || row.step === 'graceful stop' || row.step === 'cmd' ? s.step === row.step : true) && mqttMatches(row, s));
      const what = row.kind === 'http' ? `${row.method} ${row.path}` : `${row.topic}: ${row.message}`;
      return { step: row.step, what, result: ok ? 'ok' : 'MISSING', source: row.source };
    });
    console.table(results);
    // The DisconnectReq row: a new session (another session id) after the cloud's request.
    const sessions = new Set(mqtt.filter((m) => m.name === 'agent-connection' && at(m.value, 'reachable') === true).map((m) => String(at(m.value, 'sessionId'))));
    expect(sessions.size).toBeGreaterThanOrEqual(2);
    expect(results.filter((r) => r.result !== 'ok')).toEqual([]);
  }, 90_000);
});
