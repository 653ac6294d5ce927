/**
 * Field checks shared by the node-instance messages: UUID ids (node ids, machine GUIDs, claim ids),
 * streaming hops and capability lists. Encoders throw `MSG_INVALID`, decoders `MSG_BAD_PROTOBUF`.
 */
import { LinkError } from '../../effects/errors.js';
import type { CapabilityInfo } from './update-agent-connection.js';
import { isUuid } from './uuid.js';
import { invalid } from './wire.js';

export { isUuid };

/** Capabilities carried by one message, at most (the agent sends 10 or fewer). */
export const MAX_CAPABILITIES = 64;

/** A UUID to put on the wire, lower-cased as the agent writes it (uuid_unparse_lower). */
export function uuidOut(typeName: string, field: string, value: string): string {
  if (!isUuid(value)) throw invalid(typeName, `${field} must be a UUID`);
  return value.toLowerCase();
}

/** A UUID read from the wire, lower-cased. */
export function uuidIn(typeName: string, field: string, value: string): string {
  if (!isUuid(value)) throw bad(typeName, `${field} is not a UUID`);
  return value.toLowerCase();
}

/** A UUID that may be left out (empty on the wire). */
export function optionalUuidIn(typeName: string, field: string, value: string): string | undefined {
  return value === '' ? undefined : uuidIn(typeName, field, value);
}

export function bad(typeName: string, what: string): LinkError {
  return new LinkError('MSG_BAD_PROTOBUF', `${typeName}: ${what}`);
}

/** Streaming hops: an int32 on the wire, never negative (0 is the agent's own node). */
export function hopsOut(typeName: string, hops: number): number {
  if (!Number.isInteger(hops) || hops < 0 || hops > 0x7fffffff) throw invalid(typeName, 'hops must be an integer from 0 to 2^31-1');
  return hops;
}

export function hopsIn(typeName: string, hops: number): number {
  if (hops < 0) throw bad(typeName, `negative hops (${hops})`);
  return hops;
}

export function capabilitiesOut(typeName: string, capabilities: readonly CapabilityInfo[] | undefined): CapabilityInfo[] {
  const list = capabilities ?? [];
  if (list.length > MAX_CAPABILITIES) throw invalid(typeName, `more than ${MAX_CAPABILITIES} capabilities`);
  return list.map((c) => {
    if (!Number.isInteger(c.version) || c.version < 0 || c.version > 0xffffffff) {
      throw invalid(typeName, `capability ${c.name}: version must be a uint32`);
    }
    return { name: c.name, version: c.version, enabled: c.enabled };
  });
}

export function capabilitiesIn(typeName: string, capabilities: readonly CapabilityInfo[]): CapabilityInfo[] {
  if (capabilities.length > MAX_CAPABILITIES) throw bad(typeName, `more than ${MAX_CAPABILITIES} capabilities`);
  return capabilities.map((c) => ({ name: c.name, version: c.version, enabled: c.enabled }));
}

/** An empty wire string is an absent field. */
export function nonEmpty(value: string): string | undefined {
  return value === '' ? undefined : value;
}
