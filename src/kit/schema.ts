/** JSON Schema of a kit file: the slot fields the harness relies on; extra fields are allowed. */
const resourceCheck = { resource: { type: 'string', minLength: 1 } };

export const KIT_SCHEMA = {
  type: 'object',
  required: ['slots'],
  properties: {
    sovPlaceholder: { type: 'string' },
    slots: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['slot', 'name', 'dependsOn', 'ready'],
        properties: {
          // Both become part of gate ids, which keep to [A-Za-z0-9._-] (src/gates/id.ts).
          slot: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
          name: { type: 'string', pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' },
          dependsOn: { type: 'array', items: { type: 'string' } },
          ready: {
            type: 'object',
            required: ['kind', 'namespace', 'name'],
            properties: { kind: { const: 'helmrelease-ready' }, namespace: { type: 'string' }, name: { type: 'string' } },
          },
          surface: {
            type: 'object',
            required: ['kind'],
            properties: {
              kind: {
                enum: ['rollout', 'resource-condition', 'resource-field', 'resource-exists', 'resource-nonempty', 'api-resource-served', 'http-json', 'http-status', 'http-text', 'exec'],
              },
            },
            allOf: [
              { if: { properties: { kind: { const: 'rollout' } } }, then: { required: ['namespace', 'workload', 'name'], properties: { workload: { enum: ['deployment', 'daemonset', 'statefulset'] } } } },
              { if: { properties: { kind: { const: 'resource-condition' } } }, then: { required: ['resource', 'condition', 'status'], properties: { ...resourceCheck, all: { type: 'boolean' }, any: { type: 'boolean' } }, not: { properties: { all: { const: true }, any: { const: true } }, required: ['all', 'any'] } } },
              { if: { properties: { kind: { const: 'resource-field' } } }, then: { required: ['resource', 'field'], properties: resourceCheck } },
              { if: { properties: { kind: { const: 'resource-exists' } } }, then: { required: ['resource', 'name'], properties: resourceCheck } },
              { if: { properties: { kind: { enum: ['resource-nonempty', 'api-resource-served'] } } }, then: { required: ['resource'], properties: resourceCheck } },
              { if: { properties: { kind: { enum: ['http-json', 'http-status', 'http-text'] } } }, then: { required: ['url'] } },
              { if: { properties: { kind: { const: 'http-status' } } }, then: { required: ['expect'] } },
              { if: { properties: { kind: { const: 'http-text' } } }, then: { required: ['contains'] } },
              { if: { properties: { kind: { const: 'exec' } } }, then: { required: ['namespace', 'target', 'command'] } },
            ],
          },
        },
      },
    },
  },
} as const;
