/** The message type of an inbound topic: the text after its last `/` (PROTOCOL.md section 4). */
export function messageTypeOf(topic: string): string {
  return topic.slice(topic.lastIndexOf('/') + 1);
}
