/** SUBSCRIBE (QoS 1) to the inbox topics; a SUBACK with a failure code is an error. */
import type { MqttClient } from 'mqtt';
import { LinkError } from '../../effects/errors.js';
import { reasonText } from './errors.js';

export function subscribeInbox(client: MqttClient, topics: readonly string[], done: (error: unknown) => void): void {
  const map = Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }]));
  client.subscribe(map, (error, granted) => {
    if (error) {
      const code = (error as { code?: unknown }).code;
      done(typeof code === 'number' ? new LinkError('SUBSCRIBE_FAILED', `the broker refused the subscription: reason code ${reasonText(code)}`) : error);
      return;
    }
    const refused = (granted ?? []).find((g) => g.qos >= 0x80);
    if (refused) {
      done(new LinkError('SUBSCRIBE_FAILED', `the broker refused the subscription to ${refused.topic}: reason code ${reasonText(refused.qos)}`));
      return;
    }
    done(null);
  });
}
