/**
 * A Mermaid `stateDiagram-v2` of the statechart, generated from its definition (the README's
 * diagram is this output; a test fails when the README's copy is stale).
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

const name = (node: AnyStateNode): string => node.path.join('_') || 'link';

function label(t: AnyTransitionDefinition): string {
  const event = t.eventType === '' || t.eventType === undefined ? 'always'
    : t.eventType.startsWith('xstate.after.') ? `after ${t.eventType.split('.')[2]}`
      : t.eventType.startsWith('xstate.done.actor.') ? `${t.eventType.split('.')[3]} done`
        : t.eventType.startsWith('xstate.error.actor.') ? `${t.eventType.split('.')[3]} error`
          : t.eventType;
  const guard = t.guard ? ` [${typeof t.guard === 'string' ? t.guard : (t.guard as { type?: string }).type ?? 'guard'}]` : '';
  return `${event}${guard}`;
}

function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

function render(node: AnyStateNode, indent: string, lines: string[]): void {
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length === 0) return;
  const initial = node.config.initial;
  if (typeof initial === 'string') lines.push(`${indent}[*] --> ${name(node.states[initial] as AnyStateNode)}`);
  for (const child of children) {
    if (Object.keys(child.states).length > 0) {
      lines.push(`${indent}state ${name(child)} {`);
      render(child, `${indent}  `, lines);
      lines.push(`${indent}}`);
    }
  }
}

export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  render(machine.root, '  ', lines);
  const all = (n: AnyStateNode): AnyStateNode[] => [n, ...(Object.values(n.states) as AnyStateNode[]).flatMap(all)];
  for (const node of all(machine.root)) {
    if (node === machine.root) continue;
    for (const t of transitionsOf(node)) {
      for (const target of t.target ?? []) lines.push(`  ${name(node)} --> ${name(target as AnyStateNode)}: ${label(t)}`);
    }
  }
  for (const n of all(machine.root)) {
    const alias = n.path.join('.');
    if (alias && alias !== name(n)) lines.push(`  ${name(n)}: ${alias}`);
  }
  // Transitions without a target change the context, not the state (e.g. node instances while
  // connected): listed in a note on their state, with their actions.
  for (const node of all(machine.root)) {
    if (node === machine.root) continue;
    const internal = transitionsOf(node).filter((t) => (t.target ?? []).length === 0 && t.eventType !== '');
    if (internal.length === 0) continue;
    lines.push(`  note right of ${name(node)}`);
    for (const t of internal) lines.push(`    ${label(t)} / ${actionNames(t).join(', ') || 'nothing'}`);
    lines.push('  end note');
  }
  return lines.join('\n');
}

function actionNames(t: AnyTransitionDefinition): string[] {
  return (t.actions ?? []).map((a) => (typeof a === 'string' ? a : (a as { type?: string }).type ?? 'action'));
}

/** The same graph in Graphviz dot (clusters for compound states). */
export function toDot(machine: AnyStateMachine): string {
  const lines = ['digraph link {', '  rankdir=LR; compound=true; node [shape=box, style=rounded];'];
  const all = (n: AnyStateNode): AnyStateNode[] => [n, ...(Object.values(n.states) as AnyStateNode[]).flatMap(all)];
  const cluster = (node: AnyStateNode, indent: string): void => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      if (Object.keys(child.states).length === 0) lines.push(`${indent}"${name(child)}" [label="${child.key}"];`);
      else {
        lines.push(`${indent}subgraph "cluster_${name(child)}" { label="${child.key}";`);
        lines.push(`${indent}  "${name(child)}" [label="${child.key}", shape=point];`);
        cluster(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
  };
  cluster(machine.root, '  ');
  for (const node of all(machine.root)) {
    if (node === machine.root) continue;
    for (const t of transitionsOf(node)) {
      for (const target of t.target ?? []) lines.push(`  "${name(node)}" -> "${name(target as AnyStateNode)}" [label="${label(t)}"];`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}
