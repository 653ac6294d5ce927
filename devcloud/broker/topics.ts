/**
 * The dev cloud's topic conventions and per-node ACL: a node publishes only on
 * `/agent/<its claim id>/outbound/v1/<one level>` (every outbound topic of the password answer and the
 * `cmd` callback topic are there) and subscribes only under `/agent/<its claim id>/inbound/#` (its
 * `inbox-cmd` and `inbox-cmd-v1` filters). That is what the Netdata agent needs: it publishes on the
 * listed topics and the callback topic, its Last Will on `agent-connection`, and subscribes to the two
 * inbox filters (aclk.c, aclk_tx_msgs.c).
 */

export const nodePrefix = (claimId: string): string => `/agent/${claimId}`;
/** The mosquitto ACL pattern of what a node may publish. */
export const outboundPattern = (claimId: string): string => `${nodePrefix(claimId)}/outbound/v1/+`;
export const inboundPattern = (claimId: string): string => `${nodePrefix(claimId)}/inbound/#`;
/** Where the cloud publishes a message of `messageType` for a node. */
export const inboundTopic = (claimId: string, messageType: string): string => `${nodePrefix(claimId)}/inbound/v2/${messageType}`;
/** The `callback-topic` of the cloud's cmd requests. */
export const cmdReplyTopic = (claimId: string): string => `${nodePrefix(claimId)}/outbound/v1/cmd-reply`;
export const agentConnectionTopic = (claimId: string): string => `${nodePrefix(claimId)}/outbound/v1/connection`;
/** The admin's subscription to everything the nodes publish. */
export const ALL_OUTBOUND = '/agent/+/outbound/#';

/** Is `topic` (a name or a filter) inside `/agent/<claimId>/inbound/#`? */
function within(claimId: string, direction: 'inbound', topic: string): boolean {
  const base = `${nodePrefix(claimId)}/${direction}`;
  return topic === base || topic.startsWith(`${base}/`);
}

/** May the node publish on this topic name? Only `/agent/<claimId>/outbound/v1/<one level>`. */
export function mayPublish(claimId: string, topic: string): boolean {
  if (claimId === '' || /[+#/]/.test(claimId) || /[+#]/.test(topic)) return false;
  const base = `${nodePrefix(claimId)}/outbound/v1/`;
  return topic.startsWith(base) && topic.length > base.length && !topic.slice(base.length).includes('/');
}

/** May the node subscribe to this filter? Wildcards are fine below its own inbound level. */
export function maySubscribe(claimId: string, filter: string): boolean {
  return claimId !== '' && !/[+#/]/.test(claimId) && within(claimId, 'inbound', filter);
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
