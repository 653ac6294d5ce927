export { startDevCloud, systemClock } from './server.js';
export type { DevCloud, DevCloudOptions, UpgradeHandler } from './types.js';
export type { ClaimedNode } from './state-store.js';
export type { FaultSpec, Fault, FaultEndpoint } from './faults.js';
export { CredentialRegistry, DEFAULT_TOPICS, type IssuedCredentials, type TopicSpec } from './credentials.js';
export { DEFAULT_SETTINGS, type DevCloudSettings, type DevCloudSettingsPatch } from './settings.js';
export type { TransportSpec } from './env-settings.js';
