/**
 * A REAL link (createCloudLink: the files of a real claim, env, challenge/password, MQTT over WSS to
 * the dev cloud's aedes broker) through tinyproxy with credentials in the proxy URL, recorded; no
 * secret of the run may appear anywhere in the recording. Without tinyproxy: directly (warned).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LINK_VERSION } from '../../link/create-link.js';
import { createRecorder, memorySink } from '../../link/record.js';
import { replayRecording } from '../../simulations/replay/replay.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { skipWithoutServer, startTinyproxy, type RunningProxy } from '../support/proxies.js';
import { nodeFiles, startTestLink, stopTestLinks, waitOnline } from '../integration/support/real-link.js';

const PROXY_USER = 'recuser';
const PROXY_PASSWORD = 'pr0xy-S3cret-pw';
const noProxy = skipWithoutServer('tinyproxy');
let proxy: RunningProxy | undefined;

beforeAll(async () => {
  if (!noProxy) proxy = await startTinyproxy({ basicAuth: { user: PROXY_USER, password: PROXY_PASSWORD } });
});
afterAll(async () => {
  await proxy?.stop();
});
afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

it('a recording of a real link holds none of its secrets', async () => {
  const { cloud } = await startTestCloud({ broker: 'aedes' });
  const issued: string[] = [];
  const issue = cloud.credentials.issue.bind(cloud.credentials);
  cloud.credentials.issue = (claimId) => {
    const credentials = issue(claimId);
    issued.push(credentials.password, credentials.username);
    return credentials;
  };
  const proxyUrl = proxy ? `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` : 'none';
  const node = await nodeFiles(cloud, { proxy: proxyUrl });
  const sink = memorySink();
  const recorder = createRecorder(sink, { linkVersion: LINK_VERSION });
  const t = startTestLink(node, cloud, { inspect: recorder.inspect });
  await t.link.start();
  await waitOnline(t);
  await t.link.reload();
  await t.link.stop();
  recorder.close();

  const text = sink.text();
  const pem = await readFile(join(node.cloudDir, 'private.pem'), 'utf8');
  expect(issued.length).toBeGreaterThan(0);
  const secrets = [cloud.token, cloud.adminToken, PROXY_PASSWORD, ...issued, pem.trim(),
    ...pem.split('\n').filter((l) => l.length > 40)];
  for (const secret of secrets) expect(text.includes(secret), `secret ${secret.slice(0, 12)}... in the recording`).toBe(false);
  expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  expect(text).toContain('"state":"connected.online"');
  expect(text).toContain('xstate.done.actor.auth');

  const replay = replayRecording(text, { verify: true, slackMs: 1000 });
  if (process.env.ACLK_DUMP_RECORDING) console.log(text);
  console.log(`real link recording: ${sink.lines.length} lines, proxy ${proxy ? 'tinyproxy with credentials' : 'none'}, replay divergence: ${JSON.stringify(replay.divergence)}`);
  expect(replay.divergence).toBeNull();
});
