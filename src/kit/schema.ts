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
          slot: { type: 'string', minLength: 1 },
          name: { type: 'string', minLength: 1 },
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
              { if: { properties: { kind: { const: 'resource-condition' } } }, then: { required: ['resource', 'condition', 'status'], properties: resourceCheck } },
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
