/**
 * What a node published, read the way the cloud reads it: the topic's name in the password answer
 * (not its last level), then the schema of that name. Strict where the real cloud must be: a payload
 * that does not decode is `malformed`; a topic whose schema this cloud does not have (chart, alarms,
 * contexts...) is `not-decoded`, never malformed.
 */
import {
  decodeCreateNodeInstance,
  decodeUpdateAgentConnection,
  decodeUpdateNodeCollectors,
  decodeUpdateNodeInfo,
  decodeUpdateNodeInstanceConnection,
  parseCmdReply,
} from '../../adapters/messages/index.js';
import { topicNameOf, type TopicSpec } from '../password-topics.js';
import { cmdReplyTopic, messageTypeOfTopic } from './topics.js';

/** The decoded messages the cloud acts on, by topic name. */
export type DecodedAgentMessage =
  | { readonly name: 'agent-connection'; readonly value: ReturnType<typeof decodeUpdateAgentConnection> }
  | { readonly name: 'create-node-instance'; readonly value: ReturnType<typeof decodeCreateNodeInstance> }
  | { readonly name: 'node-instance-connection'; readonly value: ReturnType<typeof decodeUpdateNodeInstanceConnection> }
  | { readonly name: 'node-instance-info'; readonly value: ReturnType<typeof decodeUpdateNodeInfo> }
  | { readonly name: 'node-instance-collectors'; readonly value: ReturnType<typeof decodeUpdateNodeCollectors> }
  | { readonly name: 'cmd-reply'; readonly value: ReturnType<typeof parseCmdReply> };

export type DecodeStatus = 'decoded' | 'malformed' | 'not-decoded';

export interface AgentMessage {
  readonly claimId: string;
  readonly topic: string;
  /** The password answer's name of the topic, `cmd-reply` on the cmd callback topic, else `unlisted:<last level>`. */
  readonly name: string;
  readonly status: DecodeStatus;
  readonly decoded?: DecodedAgentMessage;
  /** Why a malformed message did not decode (the decoder's code and message). */
  readonly error?: string;
}

const DECODERS: Readonly<Record<string, (bytes: Uint8Array) => unknown>> = {
  'agent-connection': decodeUpdateAgentConnection,
  'create-node-instance': decodeCreateNodeInstance,
  'node-instance-connection': decodeUpdateNodeInstanceConnection,
  'node-instance-info': decodeUpdateNodeInfo,
  'node-instance-collectors': decodeUpdateNodeCollectors,
  'cmd-reply': parseCmdReply,
};

/** Names whose payloads this cloud decodes. */
export const DECODED_NAMES: readonly string[] = Object.keys(DECODERS);

export function topicName(topics: readonly TopicSpec[], claimId: string, topic: string): string {
  if (topic === cmdReplyTopic(claimId)) return 'cmd-reply';
  return topicNameOf(topics, claimId, topic) ?? `unlisted:${messageTypeOfTopic(topic)}`;
}

export function readAgentMessage(topics: readonly TopicSpec[], claimId: string, topic: string, payload: Uint8Array): AgentMessage {
  const name = topicName(topics, claimId, topic);
  const decoder = Object.hasOwn(DECODERS, name) ? DECODERS[name] : undefined;
  if (decoder === undefined) return { claimId, topic, name, status: 'not-decoded' };
  try {
    const value = decoder(payload);
    return { claimId, topic, name, status: 'decoded', decoded: { name, value } as DecodedAgentMessage };
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? `${(error as { code: string }).code}: ` : '';
    return { claimId, topic, name, status: 'malformed', error: `${code}${error instanceof Error ? error.message : String(error)}` };
  }
}
