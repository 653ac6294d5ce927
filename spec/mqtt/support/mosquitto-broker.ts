/**
 * Debian's mosquitto 2 (MQTT 5) for the transport tests: a WSS listener with the test certificate, a
 * plain loopback listener for the watching test client, a password file, optional extra config lines.
 * When the binary is missing: in CI (`CI=true`) the tests fail; elsewhere they are skipped loudly.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort } from '../../../devcloud/free-port.js';
import { testCerts } from './certs.js';

const BIN = '/usr/sbin/mosquitto';
const PASSWD = '/usr/bin/mosquitto_passwd';
const run = promisify(execFile);

export function skipWithoutMosquitto(): boolean {
  const missing = [BIN, PASSWD].find((b) => !existsSync(b));
  if (missing === undefined || process.env.CI === 'true') return false;
  console.warn(`\n*** SKIPPING mosquitto transport tests: ${missing} not found: apt-get install -y mosquitto ***\n`);
  return true;
}

export interface MosquittoTestBroker {
  readonly endpoint: string;
  readonly caPem: string;
  /** A client on the plain listener, as user `watcher`, for watching and injecting. */
  watcher(): Promise<MqttClient>;
  stop(): Promise<void>;
}


async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}

export async function startMosquitto(users: Record<string, string>, extraConfig: string[] = []): Promise<MosquittoTestBroker> {
  const certs = await testCerts();
  const dir = await mkdtemp(join(tmpdir(), 'aclk-mosquitto-'));
  await chmod(dir, 0o755);
  const file = (name: string) => join(dir, name);
  await writeFile(file('cert.pem'), certs.certPem, { mode: 0o644 });
  await writeFile(file('key.pem'), certs.keyPem, { mode: 0o644 });
  await writeFile(file('passwd'), '', { mode: 0o644 });
  for (const [user, pass] of Object.entries({ ...users, watcher: 'watcher-pass' })) await run(PASSWD, ['-b', file('passwd'), user, pass]);
  await chmod(file('passwd'), 0o644);
  const [plain, wss] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
  await writeFile(file('mosquitto.conf'), [
    'user root',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'allow_anonymous false',
    `password_file ${file('passwd')}`,
    ...extraConfig,
    `listener ${plain} 127.0.0.1`,
    `listener ${wss} 127.0.0.1`,
    'protocol websockets',
    `certfile ${file('cert.pem')}`,
    `keyfile ${file('key.pem')}`,
    '',
  ].join('\n'), { mode: 0o644 });
  const child = spawn(BIN, ['-c', file('mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  await waitForPort(wss, child, () => stderr);
  await waitForPort(plain, child, () => stderr);
  const clients: MqttClient[] = [];
  return {
    endpoint: `wss://localhost:${wss}/mqtt`,
    caPem: certs.caPem,
    async watcher() {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${plain}`, { username: 'watcher', password: 'watcher-pass', protocolVersion: 5, reconnectPeriod: 0 });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
