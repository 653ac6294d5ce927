import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { modelEvents, modelInput, modelMachine, serializeModelEvent, serializeModelState, type ModelEvent, type ModelSnapshot } from './model-events.js';
import { allStateIds, allTransitionKeys, transitionKey } from './transitions.js';

// The model also sends xstate's own done/error/after events, which the machine's event union does not list.
const anyMachine = modelMachine as AnyStateMachine;
const traversal = {
  input: modelInput,
  events: (s: ModelSnapshot) => modelEvents(s),
  serializeState: (s: ModelSnapshot) => serializeModelState(s),
  serializeEvent: (e: ModelEvent) => serializeModelEvent(e),
};

/** Timed states entered, and those whose timer did not start at the time they were entered. */
interface TimerCheck { entered: number; late: string[] }

/**
 * Run a path through a real actor and collect the transitions and states it takes. A state with
 * delayed transitions measures them from `timerOrigin`, which the update of its way in must set to the
 * time it is entered (the machine's `now`).
 */
function replay(events: readonly ModelEvent[], taken: Set<string>, visited: Set<string>, timers: TimerCheck): void {
  const actor = createActor(modelMachine, {
    input: modelInput,
    clock: new SimulatedClock(), // delayed events fire only when the path sends them
    inspect: (ev: InspectionEvent) => {
      if (ev.type !== '@xstate.microstep') return; // only the link machine takes microsteps
      for (const t of ev._transitions) taken.add(transitionKey(t));
    },
  });
  let before = new Set<string>();
  actor.subscribe((s) => {
    for (const n of s._nodes) {
      visited.add(n.id);
      if (before.has(n.id) || n.after.length === 0) continue;
      timers.entered += 1;
      if (s.context.timerOrigin !== s.context.now) timers.late.push(`${n.id}: timerOrigin ${s.context.timerOrigin}, now ${s.context.now}`);
    }
    before = new Set(s._nodes.map((n) => n.id));
  });
  actor.start();
  for (const n of actor.getSnapshot()._nodes) visited.add(n.id);
  for (const e of events) actor.send(e as never);
  actor.stop();
}

describe('model-based coverage (xstate/graph)', () => {
  it('paths through the real machine reach every state and take every transition', () => {
    const adjacency = getAdjacencyMap(anyMachine, traversal as never) as unknown as Record<string, { transitions: Record<string, { event: ModelEvent }> }>;
    const paths = getShortestPaths(anyMachine, traversal as never);
    const pathTo = new Map(paths.map((p) => [serializeModelState(p.state as ModelSnapshot), p.steps.map((s) => s.event as ModelEvent)]));

    const taken = new Set<string>();
    const visited = new Set<string>();
    const timers: TimerCheck = { entered: 0, late: [] };
    let replayed = 0;
    for (const [stateKey, { transitions }] of Object.entries(adjacency)) {
      const prefix = pathTo.get(stateKey);
      expect(prefix, `no path to ${stateKey}`).toBeDefined();
      for (const { event } of Object.values(transitions)) {
        replay([...(prefix ?? []), event], taken, visited, timers);
        replayed += 1;
      }
    }

    const all = allTransitionKeys(modelMachine);
    const missing = [...all].filter((k) => !taken.has(k));
    console.log(`model coverage: ${taken.size}/${all.size} transitions, ${visited.size}/${allStateIds(modelMachine).size} states, `
      + `${Object.keys(adjacency).length} abstract states, ${replayed} paths replayed`);
    expect(missing).toEqual([]);
    expect([...taken].filter((k) => !all.has(k))).toEqual([]);
    expect(visited).toEqual(allStateIds(modelMachine));
    console.log(`model timers: ${timers.entered} entries into timed states, each with its timer started at entry`);
    expect(timers.entered).toBeGreaterThan(replayed);
    expect(timers.late).toEqual([]);
  });
});
