/** The dev cloud's public shape. */
import type { Server as HttpsServerType } from 'node:https';
import type { Clock, Logger } from '../effects/ports.js';
import type { BrokerKind, DevCloudBroker } from './broker/types.js';
import type { CredentialRegistry } from './credentials.js';
import type { FaultRegistry, FaultSpec } from './faults.js';
import type { DevCloudSettings, DevCloudSettingsPatch } from './settings.js';
import type { NodeRegistry } from './nodes/node-registry.js';
import type { NodeView } from './nodes/node-view.js';
import type { ClaimedNode } from './state-store.js';
import type { UpgradeHandler } from './upgrade.js';

export type { UpgradeHandler } from './upgrade.js';

export interface DevCloudOptions {
  /** Where the CA, the server certificate and state.json live (created 0700 if missing). */
  readonly stateDir: string;
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Listen address (default 127.0.0.1; the certificate also covers localhost and ::1). */
  readonly host?: string;
  readonly clock?: Clock;
  /** Default: silent. Tokens and passwords are never logged. */
  readonly logger?: Logger;
  /** Fixed claim token (default: the stored one, or a new random one). */
  readonly token?: string;
  readonly adminToken?: string;
  /** Initial settings (transports offered, topics...). */
  readonly settings?: DevCloudSettingsPatch;
  /**
   * The MQTT broker (default `aedes`): `aedes` runs in-process on this server's port at `/mqtt` and
   * speaks MQTT 3.1.1 only (env offers MQTTv3); `mosquitto` spawns Debian's mosquitto 2.0 (MQTT 5 and
   * 3.1.1 over WSS on its own port; BROKER_MISSING if not installed); `none` runs no broker (upgrades
   * go to `onUpgrade`). Explicit `settings.transports` win over the broker's offer.
   */
  readonly broker?: BrokerKind;
}

export interface DevCloud {
  /** `https://127.0.0.1:PORT` (IPv6 hosts in brackets). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The claim token. */
  readonly token: string;
  readonly adminToken: string;
  /** PEM file of the dev cloud's CA. */
  readonly caPath: string;
  readonly caPem: string;
  /** The HTTPS server (e.g. to count `secureConnection` events). */
  readonly httpsServer: HttpsServerType;
  /** MQTT credentials issued by the password step (for the broker). */
  readonly credentials: CredentialRegistry;
  /** The MQTT broker (`kind: 'none'` when started without one). */
  readonly broker: DevCloudBroker;
  readonly faults: FaultRegistry;
  /** Same as `POST /admin/faults`. */
  addFault(spec: FaultSpec): void;
  nodes(): ClaimedNode[];
  /** Node instances (and claimed agents without one), as `GET /admin/node-instances` lists them. */
  nodeInstances(): NodeView[];
  /** The node-instance side of the cloud (e.g. `settled()` in tests, `sendNodeInstances`). */
  readonly nodeRegistry: NodeRegistry;
  settings(): DevCloudSettings;
  configure(patch: DevCloudSettingsPatch): void;
  /**
   * A handler of HTTP upgrade requests; it takes precedence over the embedded broker's `/mqtt`
   * endpoint until detached. Without either, upgrades are answered 404. Returns a function that
   * detaches it.
   */
  onUpgrade(handler: UpgradeHandler): () => void;
  /** Run on close, before the server stops (e.g. to close a broker's WebSockets). */
  onClose(hook: () => Promise<void> | void): void;
  close(): Promise<void>;
}
