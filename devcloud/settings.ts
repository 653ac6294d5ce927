/** Run-time settings of the dev cloud (what env offers, which topics the password step returns). */
import { z } from 'zod';
import { DEFAULT_TOPICS, type TopicSpec } from './credentials.js';
import { DEFAULT_ENV_SETTINGS, type EnvSettings, type TransportSpec } from './env-settings.js';

export interface DevCloudSettings extends EnvSettings {
  readonly topics: readonly TopicSpec[];
}

export type DevCloudSettingsPatch = Partial<{
  transports: readonly TransportSpec[];
  encoding: string;
  backoff: EnvSettings['backoff'];
  capabilities: readonly string[];
  topics: readonly TopicSpec[];
}>;

export const DEFAULT_SETTINGS: DevCloudSettings = { ...DEFAULT_ENV_SETTINGS, topics: DEFAULT_TOPICS };

/** The admin API's view of a patch (no validation of meaning: tests may want odd values). */
export const settingsPatchSchema = z.object({
  transports: z.array(z.object({ type: z.string(), endpoint: z.string().optional() })).optional(),
  encoding: z.string().optional(),
  backoff: z.object({ base: z.number(), minSeconds: z.number(), maxSeconds: z.number() }).nullable().optional(),
  capabilities: z.array(z.string()).optional(),
  topics: z.array(z.object({ name: z.string(), topic: z.string() })).optional(),
}).strict();

export function applyPatch(settings: DevCloudSettings, patch: DevCloudSettingsPatch): DevCloudSettings {
  return {
    transports: patch.transports ?? settings.transports,
    encoding: patch.encoding ?? settings.encoding,
    backoff: patch.backoff !== undefined ? patch.backoff : settings.backoff,
    capabilities: patch.capabilities ?? settings.capabilities,
    topics: patch.topics ?? settings.topics,
  };
}
