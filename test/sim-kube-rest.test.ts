import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiUnreachable, KubeError } from '../sim/kube-client/rest.js';

test('the sim tells an API server that did not answer (a powered-off region) from one that answered with an error', () => {
  const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.77.0.2:6443'), { code: 'ECONNREFUSED' });
  assert.equal(apiUnreachable(closed), true);
  assert.equal(apiUnreachable(refused), true);
  assert.equal(apiUnreachable(new KubeError(503, 'ServiceUnavailable', 'etcd unavailable')), false);
  assert.equal(apiUnreachable(new Error('providers: cannot parse status')), false);
  assert.equal(apiUnreachable(undefined), false);
});
