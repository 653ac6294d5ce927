/**
 * The whole inspection stream of a REAL link (files of a real claim, env, challenge/password, MQTT
 * over WSS, through tinyproxy with credentials when available), captured through a custom
 * `@statelyai/inspect` adapter with the link's sanitiser: no secret appears, and the machine's
 * definition and every state it went through are there.
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, expect, it } from 'vitest';
import { sanitizeInspection } from '../../link/inspection.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { nodeFiles, startTestLink, stopTestLinks, waitOnline } from './support/real-link.js';
import { proxySettingOf, secretsOfRun, useCredentialProxy, watchIssuedCredentials } from './support/secrets.js';

const credentialProxy = useCredentialProxy();

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

it('the inspection stream of a real run: no secret, the machine definition and every state', async () => {
  const { cloud } = await startTestCloud({ broker: 'aedes' });
  const issued = watchIssuedCredentials(cloud);
  const proxy = credentialProxy();
  const node = await nodeFiles(cloud, { proxy: proxySettingOf(proxy) });
  const events: StatelyInspectionEvent[] = [];
  const inspector = createInspector({ send: (event) => void events.push(event) }, { serialize: sanitizeInspection() });
  const t = startTestLink(node, cloud, { inspect: inspector.inspect });
  await t.link.start();
  await waitOnline(t);
  await t.link.stop();
  inspector.stop();

  const text = JSON.stringify(events);
  expect(issued.length).toBeGreaterThan(0);
  for (const secret of await secretsOfRun(cloud, node.cloudDir, issued)) {
    expect(text.includes(secret), `secret ${secret.slice(0, 8)}... in the inspection stream`).toBe(false);
  }
  expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  // The machine's definition, as the inspector draws it.
  const definitions = events.filter((e) => e.type === '@xstate.actor' && typeof (e as { definition?: unknown }).definition === 'string');
  expect(definitions.some((e) => (e as { definition: string }).definition.includes('"id":"link"'))).toBe(true);
  // Every state the link went through is in the stream's snapshots.
  const path = (v: unknown): string => (typeof v === 'string' ? v
    : typeof v === 'object' && v !== null ? Object.entries(v).map(([k, c]) => `${k}.${path(c)}`)[0] ?? '' : '');
  const seen = new Set(events.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === e.rootId)
    .map((e) => path((e as { snapshot?: { value?: unknown } }).snapshot?.value)));
  const lived = t.history.map((h) => h.state.state);
  expect(lived).toContain('connected.online');
  for (const state of lived) expect(seen, `state ${state} in the inspection stream`).toContain(state);
  console.log(`inspection stream: ${events.length} events, states ${[...new Set(lived)].join(', ')}; proxy ${proxy ? 'tinyproxy with credentials' : 'none'}`);
});
