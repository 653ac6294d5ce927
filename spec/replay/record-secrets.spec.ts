/**
 * A REAL link (createCloudLink: the files of a real claim, env, challenge/password, MQTT over WSS to
 * the dev cloud's aedes broker) through tinyproxy with credentials in the proxy URL, recorded; no
 * secret of the run may appear anywhere in the recording. Without tinyproxy: directly (warned).
 */
import { afterEach, expect, it } from 'vitest';
import { LINK_VERSION } from '../../link/create-link.js';
import { createRecorder, memorySink } from '../../link/record.js';
import { replayRecording } from '../../simulations/replay/replay.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { nodeFiles, startTestLink, stopTestLinks, waitOnline } from '../integration/support/real-link.js';
import { proxySettingOf, secretsOfRun, useCredentialProxy, watchIssuedCredentials } from '../integration/support/secrets.js';

const credentialProxy = useCredentialProxy();

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

it('a recording of a real link holds none of its secrets', async () => {
  const { cloud } = await startTestCloud({ broker: 'aedes' });
  const issued = watchIssuedCredentials(cloud);
  const proxy = credentialProxy();
  const node = await nodeFiles(cloud, { proxy: proxySettingOf(proxy) });
  const sink = memorySink();
  const recorder = createRecorder(sink, { linkVersion: LINK_VERSION });
  const t = startTestLink(node, cloud, { inspect: recorder.inspect });
  await t.link.start();
  await waitOnline(t);
  await t.link.reload();
  await t.link.stop();
  recorder.close();

  const text = sink.text();
  expect(issued.length).toBeGreaterThan(0);
  for (const secret of await secretsOfRun(cloud, node.cloudDir, issued)) expect(text.includes(secret), `secret ${secret.slice(0, 12)}... in the recording`).toBe(false);
  expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  expect(text).toContain('"state":"connected.online"');
  expect(text).toContain('xstate.done.actor.auth');

  const replay = replayRecording(text, { verify: true, slackMs: 1000 });
  if (process.env.ACLK_DUMP_RECORDING) console.log(text);
  console.log(`real link recording: ${sink.lines.length} lines, proxy ${proxy ? 'tinyproxy with credentials' : 'none'}, replay divergence: ${JSON.stringify(replay.divergence)}`);
  expect(replay.divergence).toBeNull();
});
