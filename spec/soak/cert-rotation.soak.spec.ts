/**
 * Soak: the cloud's server certificate rotated to one the link does not trust, and back (issue 7).
 * While it is untrusted every attempt fails with TLS_VERIFY_FAILED and the link keeps retrying (never
 * `disabled`, never online); once the trusted certificate is back it reconnects by itself, and a
 * message published meanwhile arrives. Both brokers: aedes (on the HTTPS server) and mosquitto.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { certificateRotation } from '../../devcloud/index.js';
import { mosquittoAvailable } from '../broker/support.js';
import { chartArrivals, nodeFiles, startTestLink, stopTestLinks, waitFor, waitOnline, waitState } from '../integration/support/real-link.js';
import { cleanupTestResources, startTestCloud } from '../support/dev-cloud.js';
import { report, summary } from './support/measure.js';
import { reconnectBoundMs } from './support/soak-link.js';
import { soakScale } from './scale.js';

const CYCLES = soakScale(2, 20);
/** Failed attempts seen per untrusted period before the trusted certificate comes back. */
const FAILURES = soakScale(2, 3);
const withMosquitto = await mosquittoAvailable();

afterEach(async () => {
  await stopTestLinks();
  await cleanupTestResources();
});

for (const broker of ['aedes', 'mosquitto'] as const) {
  describe.skipIf(broker === 'mosquitto' && !withMosquitto)(`soak: certificate rotation (${broker})`, () => {
    it(`${CYCLES} rotations to an untrusted certificate and back`, async () => {
      const { cloud, stateDir } = await startTestCloud({ broker });
      const rotation = await certificateRotation(cloud, stateDir);
      const node = await nodeFiles(cloud);
      const boundMs = await reconnectBoundMs(node.netdataConf);
      const arrived = chartArrivals(cloud);
      const t = startTestLink(node, cloud);
      await t.link.start();
      await waitOnline(t);
      const recoverMs: number[] = [];
      const untrustedMs: number[] = [];
      const published: Promise<void>[] = [];
      for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
        const mark = t.history.length;
        await rotation.use('untrusted');
        const since = Date.now();
        if (broker === 'aedes') await cloud.broker.dropAll(); // mosquitto's restart already dropped it
        await waitState(t, (s) => s.top === 'backoff' && s.reasonCode === 'TLS_VERIFY_FAILED', `cycle ${cycle}: TLS_VERIFY_FAILED`, 30_000);
        published.push(t.link.publish('chart', Buffer.from(`while-untrusted-${cycle}`)));
        const failures = () => t.history.slice(mark).filter((h) => h.state.top === 'backoff' && h.state.reasonCode === 'TLS_VERIFY_FAILED').length;
        await waitFor(`cycle ${cycle}: ${FAILURES} failed attempts`, () => failures() >= FAILURES, 30_000);
        const during = t.history.slice(mark);
        expect(during.some((h) => h.state.online || h.state.top === 'disabled')).toBe(false);
        // Only the drop itself and certificate failures: no other code while untrusted.
        const codes = new Set(during.filter((h) => h.state.top === 'backoff').map((h) => h.state.reasonCode));
        expect([...codes].every((c) => ['TLS_VERIFY_FAILED', 'SOCKET_CLOSED'].includes(c))).toBe(true);
        untrustedMs.push(Date.now() - since);
        await rotation.use('trusted');
        const back = Date.now();
        await waitState(t, (s) => s.online && s.reconnectCount >= cycle, `cycle ${cycle}: reconnect with the trusted certificate`, boundMs + 10_000);
        recoverMs.push(Date.now() - back);
      }
      await Promise.all(published);
      await waitFor('the messages published while untrusted', () => published.every((_p, i) => arrived.has(`while-untrusted-${i + 1}`)), 10_000);
      const r = summary(recoverMs);
      await report(`cert-rotation-${broker}`, {
        rotations: { value: CYCLES },
        'untrusted period ms (median)': { value: summary(untrustedMs).median },
        'recover ms min/median/max': { value: `${r.min} / ${r.median} / ${r.max}` },
        'recover bound ms': { value: boundMs },
      }, { recoverMs, untrustedMs });
      expect(r.max).toBeLessThanOrEqual(boundMs);
    });
  });
}
