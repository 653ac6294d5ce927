/** What the dev cloud's env endpoint offers; changeable at run time (`devCloud.configure`). */

/** A transport offer. `endpoint` defaults to the dev cloud's own `https://<host>:<port>/mqtt` (the real cloud's form). */
export interface TransportSpec {
  /** `MQTTv5`, `MQTTv3`, or anything else to test that clients ignore unknown types. */
  readonly type: string;
  readonly endpoint?: string;
}

export interface EnvSettings {
  readonly transports: readonly TransportSpec[];
  readonly encoding: string;
  /** As on the wire: `minSeconds` and `maxSeconds` in MILLISECONDS, as the real cloud sends them (PROTOCOL.md section 3). */
  readonly backoff: { readonly base: number; readonly minSeconds: number; readonly maxSeconds: number } | null;
  readonly capabilities: readonly string[];
}

export const DEFAULT_ENV_SETTINGS: EnvSettings = {
  transports: [{ type: 'MQTTv5' }, { type: 'MQTTv3' }],
  encoding: 'proto',
  backoff: { base: 2, minSeconds: 0, maxSeconds: 1_024_000 },
  capabilities: ['proto', 'ctx'],
};

export function envAnswer(settings: EnvSettings, baseUrl: string): Record<string, unknown> {
  const mqtt = `${baseUrl}/mqtt`;
  return {
    authEndpoint: `${baseUrl}/api/v1/auth`,
    encoding: settings.encoding,
    transports: settings.transports.map((t) => ({ type: t.type, endpoint: t.endpoint ?? mqtt })),
    ...(settings.backoff !== null ? { backoff: { ...settings.backoff } } : {}),
    capabilities: [...settings.capabilities],
  };
}
