/**
 * SUBSCRIBE (QoS 1) to the inbox topics; a SUBACK with a failure code is SUBSCRIBE_FAILED.
 * mqtt.js 5 reports a refused subscription as an `ErrorWithSubackPacket` (a message, no `code`) and
 * hands the SUBACK itself as the callback's third argument: the reason codes are read from there.
 */
import type { MqttClient } from 'mqtt';
import { LinkError } from '../../effects/errors.js';
import { reasonText } from './errors.js';

/** SUBACK reason codes from 0x80 up are failures (MQTT 5 section 3.9.3; 0x80 alone in 3.1.1). */
const FAILURE = 0x80;

const codeOf = (g: unknown): number | undefined =>
  typeof g === 'number' ? g : typeof g === 'object' && g !== null && typeof (g as { qos?: unknown }).qos === 'number' ? (g as { qos: number }).qos : undefined;

/** The first refused subscription of a SUBACK (codes in the order of `topics`), as SUBSCRIBE_FAILED. */
export function subackRefusal(topics: readonly string[], granted: readonly unknown[] | undefined): LinkError | undefined {
  const codes = (granted ?? []).map(codeOf);
  const index = codes.findIndex((c) => c !== undefined && c >= FAILURE);
  if (index < 0) return undefined;
  const topic = topics[index] ?? topics[0] ?? '?';
  return new LinkError('SUBSCRIBE_FAILED', `the broker refused the subscription to ${topic}: reason code ${reasonText(codes[index] ?? FAILURE)}`);
}

export function subscribeInbox(client: MqttClient, topics: readonly string[], done: (error: unknown) => void): void {
  const map = Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }]));
  client.subscribe(map, (error, subs, suback?: { readonly granted?: readonly unknown[] }) => {
    const sent = (subs ?? []).map((s) => s.topic);
    const refused = subackRefusal(sent.length > 0 ? sent : topics, suback?.granted);
    if (refused) return done(refused);
    if (error) {
      const code = (error as { code?: unknown }).code;
      done(typeof code === 'number' ? new LinkError('SUBSCRIBE_FAILED', `the broker refused the subscription: reason code ${reasonText(code)}`) : error);
      return;
    }
    done(null);
  });
}
