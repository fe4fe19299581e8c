import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderK6TestRun, renderK6TestRunYaml, type K6TestRunOptions } from '../src/failover/testrun.js';

const OPTIONS: K6TestRunOptions = {
  name: 'sw-failover-writes',
  namespace: 'sw-walk',
  parallelism: 2,
  scriptConfigMap: { name: 'sw-k6-counter', file: 'counter-http.js' },
  rate: 200,
  duration: '5m',
  baseUrl: 'https://counter.t38.example.org',
};

describe('renderK6TestRun', () => {
  it('renders a k6-operator TestRun for the HTTP counter writer', () => {
    const run = renderK6TestRun(OPTIONS);
    assert.equal(run.apiVersion, 'k6.io/v1alpha1');
    assert.equal(run.kind, 'TestRun');
    assert.equal(run.metadata.name, 'sw-failover-writes');
    assert.equal(run.metadata.namespace, 'sw-walk');
    assert.equal(run.spec.parallelism, 2);
    assert.deepEqual(run.spec.script, { configMap: { name: 'sw-k6-counter', file: 'counter-http.js' } });
    assert.match(run.spec.arguments, /--log-format=raw/);
    assert.deepEqual(run.spec.runner.env, [
      { name: 'RATE', value: '200' },
      { name: 'DURATION', value: '5m' },
      { name: 'BASE_URL', value: 'https://counter.t38.example.org' },
    ]);
  });

  it("passes the walk's writer id, the prefix of every key the runners write", () => {
    const env = renderK6TestRun({ ...OPTIONS, writerId: 'sw0a1b2c.k6v' }).spec.runner.env;
    assert.deepEqual(env.at(-1), { name: 'WRITER_ID', value: 'sw0a1b2c.k6v' });
  });

  it('serialises to YAML that parses back to the same object', () => {
    assert.deepEqual(parse(renderK6TestRunYaml(OPTIONS)), renderK6TestRun(OPTIONS));
  });

  it('rejects a non-positive parallelism or rate', () => {
    assert.throws(() => renderK6TestRun({ ...OPTIONS, parallelism: 0 }), RangeError);
    assert.throws(() => renderK6TestRun({ ...OPTIONS, rate: 0 }), RangeError);
  });
});
