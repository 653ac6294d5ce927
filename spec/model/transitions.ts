/**
 * Every transition of a machine, with a stable key: `<source state id> <event> #<index>`.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export function transitionKey(t: AnyTransitionDefinition): string {
  const source = t.source;
  const list: readonly AnyTransitionDefinition[] = t.eventType === '' || t.eventType === undefined
    ? source.always ?? []
    : source.transitions.get(t.eventType) ?? [];
  const event = t.eventType ? t.eventType : 'always';
  return `${source.id} ${event} #${list.indexOf(t)}`;
}

function nodesOf(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => nodesOf(child as AnyStateNode))];
}

export function allTransitionKeys(machine: AnyStateMachine): Set<string> {
  const keys = new Set<string>();
  for (const node of nodesOf(machine.root)) {
    for (const list of node.transitions.values()) for (const t of list) keys.add(transitionKey(t));
    for (const t of node.always ?? []) keys.add(transitionKey(t));
  }
  return keys;
}

export function allStateIds(machine: AnyStateMachine): Set<string> {
  return new Set(nodesOf(machine.root).map((n) => n.id));
}
