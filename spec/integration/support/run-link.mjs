// Child process of disable-cloud.spec.ts: builds a link with createCloudLink from the built dist/,
// starts it, optionally waits until it is online, stops it, and prints its state and the CommonJS
// modules that were loaded (those required from CommonJS never pass the ES resolve hook).
import { createRequire } from 'node:module';

const spec = JSON.parse(process.env.ACLK_CHILD ?? '{}');
const { createCloudLink } = await import(spec.module);
const link = createCloudLink({ ...spec.options, onCommand: async () => ({ status: 200, body: 'ok' }) });
await link.start();
const deadline = Date.now() + (spec.waitOnlineMs ?? 0);
while (spec.waitOnlineMs && !link.getState().online && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const { top, state, reasonCode, reason, online, available } = link.getState();
await link.stop();
const cjs = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify({ top, state, reasonCode, reason, online, available, cjs }));
