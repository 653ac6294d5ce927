/**
 * `aclk diagram --format json` validates against the schema of xstate 5's machine JSON
 * (link/machine-schema.ts), every transition's source and targets name states that exist, and the
 * schema rejects what is not a machine (negative controls: the check can fail).
 */
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { machineJsonSchema } from '../../link/machine-schema.js';
import { aclk, ensureBuilt } from './support.js';

interface Node {
  id: string;
  type: string;
  initial?: { target?: string[]; source: string };
  states: Record<string, Node>;
  transitions: { target?: string[]; source: string }[];
}

const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(machineJsonSchema);
let json: Node;

beforeAll(async () => {
  await ensureBuilt();
  const result = await aclk(['diagram', '--format', 'json']);
  expect(result.code).toBe(0);
  json = JSON.parse(result.stdout) as Node;
});

/** The `#id`s of every state, and every id a transition (or an initial transition) refers to. */
function references(root: Node): { ids: Set<string>; used: string[] } {
  const ids = new Set<string>();
  const used: string[] = [];
  const walk = (n: Node): void => {
    ids.add(`#${n.id}`);
    for (const t of [...n.transitions, ...(n.initial ? [n.initial] : [])]) used.push(t.source, ...(t.target ?? []));
    Object.values(n.states).forEach(walk);
  };
  walk(root);
  return { ids, used };
}

const copy = (): Node => JSON.parse(JSON.stringify(json)) as Node;

describe('the machine JSON', () => {
  it('validates against the xstate 5 machine schema', () => {
    const ok = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(Object.keys(json.states).sort()).toEqual(['backoff', 'connected', 'connecting', 'disabled', 'unclaimed']);
  });

  it('every transition names states that exist', () => {
    const { ids, used } = references(json);
    expect(ids.size).toBeGreaterThanOrEqual(14);
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('the checks fail on what is not a machine', () => {
    const noInitial = copy();
    delete noInitial.states.connecting?.initial;
    expect(validate(noInitial)).toBe(false);

    const badType = copy();
    (badType.states.disabled as { type: string }).type = 'sleeping';
    expect(validate(badType)).toBe(false);

    const badTarget = copy();
    const first = badTarget.states.connecting?.states.env?.transitions[0];
    if (!first) throw new Error('connecting.env has no transition');
    first.target = ['link.connecting'];
    expect(validate(badTarget)).toBe(false);

    const dangling = copy();
    const t = dangling.states.connecting?.states.env?.transitions[0];
    if (!t) throw new Error('connecting.env has no transition');
    t.target = ['#link.nowhere'];
    expect(validate(dangling)).toBe(true); // well-formed, but:
    const { ids, used } = references(dangling);
    expect(used.filter((id) => !ids.has(id))).toEqual(['#link.nowhere']);
  });
});
