/**
 * The dev cloud's topic conventions and per-node ACL: a node publishes only under
 * `/agent/<its claim id>/outbound/#` and subscribes only under `/agent/<its claim id>/inbound/#`.
 */

export const nodePrefix = (claimId: string): string => `/agent/${claimId}`;
export const outboundPattern = (claimId: string): string => `${nodePrefix(claimId)}/outbound/#`;
export const inboundPattern = (claimId: string): string => `${nodePrefix(claimId)}/inbound/#`;
/** Where the cloud publishes a message of `messageType` for a node. */
export const inboundTopic = (claimId: string, messageType: string): string => `${nodePrefix(claimId)}/inbound/v2/${messageType}`;
/** The `callback-topic` of the cloud's cmd requests. */
export const cmdReplyTopic = (claimId: string): string => `${nodePrefix(claimId)}/outbound/v1/cmd-reply`;
export const agentConnectionTopic = (claimId: string): string => `${nodePrefix(claimId)}/outbound/v1/connection`;
/** The admin's subscription to everything the nodes publish. */
export const ALL_OUTBOUND = '/agent/+/outbound/#';

/** Is `topic` (a name or a filter) inside `/agent/<claimId>/<direction>/#`? */
function within(claimId: string, direction: 'inbound' | 'outbound', topic: string): boolean {
  const base = `${nodePrefix(claimId)}/${direction}`;
  return topic === base || topic.startsWith(`${base}/`);
}

/** May the node publish on this topic name? */
export function mayPublish(claimId: string, topic: string): boolean {
  return claimId !== '' && !/[+#]/.test(claimId) && within(claimId, 'outbound', topic);
}

/** May the node subscribe to this filter? Wildcards are fine below its own inbound level. */
export function maySubscribe(claimId: string, filter: string): boolean {
  return claimId !== '' && !/[+#]/.test(claimId) && within(claimId, 'inbound', filter);
}

/** The claim id in `/agent/<claimId>/outbound/...`, or undefined. */
export function outboundClaimId(topic: string): string | undefined {
  const match = /^\/agent\/([^/]+)\/outbound(?:\/|$)/.exec(topic);
  return match?.[1];
}

/** The message type: the text after the last `/`. */
export function messageTypeOfTopic(topic: string): string {
  return topic.slice(topic.lastIndexOf('/') + 1);
}
