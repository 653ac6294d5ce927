/** The MQTT transport through a proxy: tinyproxy (HTTP CONNECT) in front of the aedes test broker. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedProxy } from '../../adapters/proxy/index.js';
import { createMqttTransport } from '../../adapters/mqtt/index.js';
import { freePort, skipWithoutServer, startTinyproxy, type RunningProxy } from '../support/proxies.js';
import { startAedesBroker, type AedesTestBroker } from './support/aedes-broker.js';
import { CLAIM_ID, EventLog, clock, credentials, recordingLogger } from './support/harness.js';

let broker: AedesTestBroker;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  broker = await startAedesBroker();
  broker.users.set('node', 'node-pass');
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  await broker.close();
});

function connect(proxy: ResolvedProxy) {
  const transport = createMqttTransport({ tls: { ca: broker.caPem, insecure: false }, clock, logger: recordingLogger(), proxy });
  const session = transport.connect({ endpoint: broker.endpoint, mqttVersion: 4, claimId: CLAIM_ID, credentials: credentials('node', 'node-pass'), sessionId: 1 });
  cleanups.push(() => session.close({ graceful: false }));
  return new EventLog(session);
}

describe('MQTT transport through a proxy', () => {
  it('an unreachable proxy: PROXY_UNREACHABLE, without its password', async () => {
    const log = connect({ kind: 'http', host: '127.0.0.1', port: await freePort(), username: 'u', password: 'proxy-secret' });
    const closed = await log.next('closed');
    expect(closed.code).toBe('PROXY_UNREACHABLE');
    expect(closed.message).not.toContain('proxy-secret');
  });

  describe.skipIf(skipWithoutServer('tinyproxy'))('tinyproxy', () => {
    let proxy: RunningProxy;
    afterEach(async () => { await proxy?.stop(); });

    it('connects through an HTTP CONNECT tunnel (TLS end to end)', async () => {
      proxy = await startTinyproxy();
      const log = connect({ kind: 'http', host: '127.0.0.1', port: proxy.port });
      expect(await log.next('up')).toEqual({ type: 'up', mqttVersion: 4 });
    });

    it('wrong proxy credentials: PROXY_AUTH_FAILED', async () => {
      proxy = await startTinyproxy({ basicAuth: { user: 'u', password: 'right' } });
      const log = connect({ kind: 'http', host: '127.0.0.1', port: proxy.port, username: 'u', password: 'wrong' });
      const closed = await log.next('closed');
      expect(closed.code).toBe('PROXY_AUTH_FAILED');
      expect(closed.message).not.toContain('wrong');
    });
  });
});
