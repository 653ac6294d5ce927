/**
 * The cloud's own MQTT client on mosquitto's plain loopback listener: dynamic-security commands
 * (`$CONTROL/dynamic-security/v1`), the broker's log (`$SYS/broker/log/#`) and everything the nodes
 * publish.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { BrokerError } from './types.js';

const CONTROL = '$CONTROL/dynamic-security/v1';
const RESPONSE = `${CONTROL}/response`;
export const LOG_TOPICS = '$SYS/broker/log/#';

export type DynsecCommand = Readonly<Record<string, unknown>> & { readonly command: string };
interface DynsecResponse { readonly command?: string; readonly error?: string; readonly correlationData?: string }

export interface MosquittoAdmin {
  readonly client: MqttClient;
  /** Runs dynsec commands; rejects with the first error not in `tolerate` (e.g. "Role already exists"). */
  dynsec(commands: readonly DynsecCommand[], tolerate?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function connectMosquittoAdmin(options: { port: number; username: string; password: string; timeoutMs?: number }): Promise<MosquittoAdmin> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${options.port}`, {
    username: options.username,
    password: options.password,
    clientId: `dev-cloud-admin-${process.pid}-${Date.now().toString(36)}`,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: options.timeoutMs ?? 5_000,
  });
  const waiting = new Map<string, (responses: readonly DynsecResponse[]) => void>();
  client.on('message', (topic, payload) => {
    if (topic !== RESPONSE) return;
    let responses: readonly DynsecResponse[] = [];
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses?: DynsecResponse[] }).responses ?? [];
    } catch {
      return;
    }
    const key = responses[0]?.correlationData;
    const resolve = key === undefined ? undefined : waiting.get(key);
    if (key !== undefined && resolve !== undefined) {
      waiting.delete(key);
      resolve(responses);
    }
  });
  await client.subscribeAsync(RESPONSE, { qos: 1 });
  let seq = 0;
  return {
    client,
    async dynsec(commands, tolerate = []) {
      if (commands.length === 0) return;
      seq += 1;
      const key = `c${seq}`;
      const answered = new Promise<readonly DynsecResponse[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          reject(new BrokerError('BROKER_COMMAND_FAILED', `no dynamic-security answer to ${commands.map((c) => c.command).join(', ')}`));
        }, options.timeoutMs ?? 5_000);
        waiting.set(key, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
      // The timer may reject while the publish is still in flight: handled here, re-thrown below.
      answered.catch(() => undefined);
      const body = { commands: commands.map((c, i) => ({ ...c, correlationData: i === 0 ? key : `${key}.${i}` })) };
      try {
        await client.publishAsync(CONTROL, JSON.stringify(body), { qos: 1 });
      } catch (error) {
        // Not sent (e.g. mosquitto crashed and the client is closed): no answer will come; settle the
        // wait now so its timer cannot reject later with nobody listening.
        const settle = waiting.get(key);
        waiting.delete(key);
        settle?.([]);
        throw error;
      }
      const failed = (await answered).find((r) => r.error !== undefined && !tolerate.includes(r.error));
      if (failed !== undefined) throw new BrokerError('BROKER_COMMAND_FAILED', `dynamic-security ${failed.command ?? '?'}: ${failed.error ?? ''}`);
    },
    async close() {
      for (const resolve of waiting.values()) resolve([{ error: 'closed' }]);
      waiting.clear();
      await client.endAsync(true).catch(() => undefined);
    },
  };
}
