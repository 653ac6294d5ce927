/** The dev cloud's MQTT broker, whichever implementation runs it (aedes in-process, mosquitto, none). */
import type { Clock, Logger } from '../../effects/ports.js';
import type { CredentialRegistry } from '../credentials.js';
import type { UpgradeHandler } from '../upgrade.js';

export type BrokerKind = 'aedes' | 'mosquitto' | 'none';

/** `topic` is the full topic name; `claimId` the node that published it (from its authenticated session). */
export type AgentMessageListener = (claimId: string, topic: string, payload: Buffer) => void;

export interface DevCloudBroker {
  readonly kind: BrokerKind;
  /** The broker process (mosquitto only). */
  readonly pid?: number;
  /** SIGKILL the broker process, as a crash would (mosquitto only). */
  crash?(): Promise<void>;
  /** Start it again on the same ports and state after `crash()` (mosquitto only). */
  restart?(): Promise<void>;
  /** Claim ids with an MQTT session open right now, sorted. */
  connectedNodes(): string[];
  /** Publishes (QoS 1) on `/agent/<claimId>/inbound/v2/<messageType>`. */
  publishToNode(claimId: string, messageType: string, payload: Uint8Array): Promise<void>;
  /** Every message a node publishes (after the ACL check). Returns a function that removes the listener. */
  onAgentMessage(listener: AgentMessageListener): () => void;
  /** Drops every node's MQTT connection (they may reconnect with new credentials). */
  dropAll(): Promise<void>;
  /** While refusing, nodes cannot connect (the outage); `dropAll` is separate. */
  setRefusing(refusing: boolean): Promise<void>;
  close(): Promise<void>;
}

/** What a broker implementation gets from the dev cloud. */
export interface BrokerDeps {
  readonly stateDir: string;
  readonly host: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly credentials: CredentialRegistry;
  /** PEM files of the dev cloud's server certificate and key (mosquitto's TLS listener uses them). */
  readonly certPath: string;
  readonly keyPath: string;
  readonly onUpgrade: (handler: UpgradeHandler) => () => void;
}

export type BrokerErrorCode = 'BROKER_MISSING' | 'BROKER_START_FAILED' | 'BROKER_NONE' | 'BROKER_CLOSED' | 'BROKER_COMMAND_FAILED';

/** A coded error of the dev cloud's broker (e.g. `BROKER_MISSING`: mosquitto is not installed). */
export class BrokerError extends Error {
  constructor(readonly code: BrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
  }
}

/** A small set of listeners; a throwing listener is logged and does not stop the others. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();
  constructor(private readonly logger: Logger) {}

  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of [...this.set]) {
      try {
        listener(...args);
      } catch (error) {
        this.logger.error('dev cloud broker: listener failed', { error: String(error) });
      }
    }
  }
}
