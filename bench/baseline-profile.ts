/**
 * One kind of the throughput benchmark alone, for a CPU profile:
 * `node --cpu-prof dist/bench/baseline-profile.js [link|windowed|framed|all] [messages] [runs] [mosquitto|aedes]`
 * (defaults: link, 20000, 3, mosquitto). Prints each run's rate and CPU per message.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startDevCloud } from '../devcloud/index.js';
import { bareThroughput, linkThroughput, type BareMode } from './baseline-measure.js';
import { makeNode, tempRoot } from './baseline-support.js';

const [kind = 'link', messagesText = '20000', runsText = '3', broker = 'mosquitto'] = process.argv.slice(2);
if (!['link', 'windowed', 'framed', 'all'].includes(kind) || (broker !== 'mosquitto' && broker !== 'aedes')) {
  console.error('usage: baseline-profile.js [link|windowed|framed|all] [messages] [runs] [mosquitto|aedes]');
  process.exit(2);
}
const messages = Number.parseInt(messagesText, 10);
const runs = Number.parseInt(runsText, 10);
const root = await tempRoot();
const cloud = await startDevCloud({ stateDir: join(root, 'cloud'), broker });
try {
  const info = { url: cloud.url, caPath: cloud.caPath, caPem: cloud.caPem };
  const node = await makeNode({ ...info, token: cloud.token }, root, 0);
  const payload = new Uint8Array(randomBytes(1024));
  const once = (n: number) => (kind === 'link' ? linkThroughput(info, node, n, payload) : bareThroughput(info, node, n, payload, kind as BareMode));
  await once(1_000);
  for (let r = 0; r < runs; r += 1) {
    const t = await once(messages);
    console.log(`${kind} run ${r + 1}: ${Math.round(t.rate)} msg/s, ${t.cpuUs.toFixed(1)} us CPU/msg`);
  }
} finally {
  await cloud.close();
  await rm(root, { recursive: true, force: true });
}
setTimeout(() => process.exit(0), 2_000).unref();
