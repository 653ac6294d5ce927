/** Starts the dev cloud's broker of the requested kind. */
import { importOptional } from '../../link/optional-package.js';
import { startMosquittoBroker } from './mosquitto-broker.js';
import { BrokerError, type BrokerDeps, type BrokerKind, type DevCloudBroker } from './types.js';

export { BrokerError, type AgentMessageListener, type BrokerErrorCode, type BrokerKind, type DevCloudBroker } from './types.js';
export { MOSQUITTO_PACKAGE_HINT } from './mosquitto-files.js';
export { cmdReplyTopic, inboundTopic } from './topics.js';

/** `broker: 'none'`: nothing listens; publishing rejects with BROKER_NONE. */
export function noBroker(): DevCloudBroker {
  return {
    kind: 'none',
    connectedNodes: () => [],
    publishToNode: () => Promise.reject(new BrokerError('BROKER_NONE', 'this dev cloud runs without a broker')),
    onAgentMessage: () => () => undefined,
    dropAll: async () => undefined,
    setRefusing: async () => undefined,
    close: async () => undefined,
  };
}

export interface StartedBroker {
  readonly broker: DevCloudBroker;
  /** The MQTT transports env offers with this broker (undefined: keep the settings' default). */
  readonly transports?: readonly { type: string; endpoint?: string }[];
}

export async function startBroker(kind: BrokerKind, deps: BrokerDeps): Promise<StartedBroker> {
  switch (kind) {
    case 'none':
      return { broker: noBroker() };
    case 'aedes': {
      // aedes speaks MQTT 3.1.1 only; its endpoint is the cloud's own `wss://host:port/mqtt`.
      // aedes is an optional package (link/optional-package.ts), loaded only for this broker.
      const { startAedesBroker } = await importOptional(['aedes'], () => import('./aedes-broker.js'));
      return { broker: await startAedesBroker(deps), transports: [{ type: 'MQTTv3' }] };
    }
    case 'mosquitto': {
      // mosquitto speaks MQTT 5 (first: the Netdata agent takes the first MQTTv5, aclk.c
      // aclk_get_transport_idx) and 3.1.1. The endpoint in the real cloud's form `https://host:port/mqtt`
      // (the agent's url_parse in https_client.c knows no `wss://`).
      const broker = await startMosquittoBroker(deps);
      const endpoint = broker.endpoint.replace(/^wss:/, 'https:');
      return { broker, transports: [{ type: 'MQTTv5', endpoint }, { type: 'MQTTv3', endpoint }] };
    }
  }
}
