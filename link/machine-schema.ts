/**
 * A JSON Schema (draft-07) of the JSON form of an xstate 5 machine: what `machine.toJSON()` returns
 * and `aclk diagram --format json` prints. Written from xstate 5's published types
 * (`StateNodeDefinition`, `TransitionDefinition.toJSON`, `InvokeDefinition`). xstate's repository
 * keeps a `machine.schema.json` of the xstate 4 format, which is not in the npm package and which
 * xstate 5's own output does not satisfy (there `initial` is a string, actions are objects and `src`
 * is an object; in xstate 5 `initial` is a transition, actions may be names and `src` is a name).
 */
const action = {
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', required: ['type'], properties: { type: { type: 'string', minLength: 1 }, params: {} } },
  ],
} as const;

const stateId = { type: 'string', pattern: '^#[^#]+$' } as const;

const transition = {
  type: 'object',
  required: ['actions', 'source', 'eventType'],
  additionalProperties: false,
  properties: {
    target: { type: 'array', items: stateId },
    source: stateId,
    actions: { type: 'array', items: action },
    reenter: { type: 'boolean' },
    guard: action,
    eventType: { type: ['string', 'null'] },
    event: { type: 'string' },
    delay: { type: ['string', 'number'] },
    meta: { type: 'object' },
    description: { type: 'string' },
  },
} as const;

export const machineJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:agent-cloud-link:xstate5-machine-json',
  title: 'xstate 5 machine JSON (machine.toJSON())',
  $ref: '#/definitions/stateNode',
  definitions: {
    stateNode: {
      type: 'object',
      required: ['id', 'key', 'type', 'states', 'on', 'transitions', 'entry', 'exit', 'order', 'invoke', 'tags'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        key: { type: 'string', minLength: 1 },
        version: { type: 'string' },
        type: { enum: ['atomic', 'compound', 'parallel', 'final', 'history'] },
        initial: transition,
        history: { enum: [false, true, 'shallow', 'deep'] },
        states: { type: 'object', additionalProperties: { $ref: '#/definitions/stateNode' } },
        on: { type: 'object', additionalProperties: { type: 'array', minItems: 1, items: transition } },
        transitions: { type: 'array', items: transition },
        entry: { type: 'array', items: action },
        exit: { type: 'array', items: action },
        meta: { type: 'object' },
        order: { type: 'integer', minimum: -1 },
        output: {},
        invoke: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'src', 'type'],
            additionalProperties: false,
            properties: {
              id: { type: 'string', minLength: 1 },
              src: { type: 'string', minLength: 1 },
              type: { const: 'xstate.invoke' },
              input: {},
              systemId: { type: 'string' },
              toJSON: {},
            },
          },
        },
        description: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      allOf: [
        { if: { properties: { type: { enum: ['compound'] } } }, then: { required: ['initial'], properties: { states: { type: 'object', minProperties: 1 } } } },
        { if: { properties: { type: { enum: ['atomic', 'final'] } } }, then: { properties: { states: { type: 'object', maxProperties: 0 } } } },
      ],
    },
  },
} as const;
