/**
 * The topics the password step answers (PROTOCOL.md section 3, step 4). The Netdata agent refuses an
 * answer that lacks any of its 20 compulsory names (`compulsory_topics`, aclk_util.c);
 * `node-instance-manifest` is optional there (sent only when listed) and listed here.
 * Layout: the agent publishes each message on the topic of its name (aclk_tx_msgs.c, aclk_query.c),
 * `/agent/<claim id>/outbound/v1/<name>` (`agent-connection`: `.../outbound/v1/connection`, as this
 * dev cloud always had it); it subscribes to `inbox-cmd` and `inbox-cmd-v1` (aclk.c
 * `mqtt_connected_actions`), filters on which the cloud publishes `.../inbound/v2/<message type>`.
 */

export interface TopicSpec {
  readonly name: string;
  /** Contains the literal tag `#{claim_id}`, as the real cloud answers. */
  readonly topic: string;
}

/** `compulsory_topics` of the agent (aclk_util.c), in its order. */
export const COMPULSORY_TOPIC_NAMES = [
  'chart', 'alarms', 'meta', 'inbox-cmd', 'agent-connection', 'inbox-cmd-v1', 'create-node-instance',
  'node-instance-connection', 'chart-and-dims-updated', 'chart-configs-updated', 'reset-charts',
  'chart-retention-updated', 'node-instance-info', 'alarm-log-v2', 'alarm-checkpoint', 'alarm-config',
  'alarm-snapshot-v2', 'node-instance-collectors', 'contexts-snapshot', 'contexts-updated',
] as const;

/** Optional for the agent: it sends its manifest only when the cloud lists this topic. */
export const OPTIONAL_TOPIC_NAMES = ['node-instance-manifest'] as const;

/** The two topics the agent subscribes to: filters under the node's inbound level. */
export const INBOUND_TOPIC_NAMES: readonly string[] = ['inbox-cmd', 'inbox-cmd-v1'];

const outbound = (name: string): string => `/agent/#{claim_id}/outbound/v1/${name === 'agent-connection' ? 'connection' : name}`;

export const DEFAULT_TOPICS: readonly TopicSpec[] = [
  // The cloud publishes every inbound message on `.../inbound/v2/<type>` (`cmd`, `DisconnectReq`,
  // `CancelPendingRequest`, `CreateNodeInstanceResult`, `SendNodeInstances`); `inbox-cmd-v1` is a
  // separate filter (no message is delivered twice) on which this cloud publishes nothing.
  { name: 'inbox-cmd', topic: '/agent/#{claim_id}/inbound/v2/#' },
  { name: 'inbox-cmd-v1', topic: '/agent/#{claim_id}/inbound/v1/#' },
  ...[...COMPULSORY_TOPIC_NAMES, ...OPTIONAL_TOPIC_NAMES]
    .filter((name) => !INBOUND_TOPIC_NAMES.includes(name))
    .map((name) => ({ name, topic: outbound(name) })),
];

/** The concrete topic string of a listed topic for a node. */
export function concreteTopic(spec: TopicSpec, claimId: string): string {
  return spec.topic.split('#{claim_id}').join(claimId);
}

/** The listed name of the topic a node published on (the first match), or undefined. */
export function topicNameOf(topics: readonly TopicSpec[], claimId: string, topic: string): string | undefined {
  return topics.find((spec) => !INBOUND_TOPIC_NAMES.includes(spec.name) && concreteTopic(spec, claimId) === topic)?.name;
}
