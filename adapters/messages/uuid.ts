/**
 * The UUID form the agent accepts (libuuid's uuid_parse: 36 characters, 8-4-4-4-12 hex, any case).
 * On its own, with no import, so the node registry and the node-id file can check ids without
 * loading the protobuf runtime (issue 15).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
