import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { velero as model } from '../sim/operators/velero.js';
import { FakeWorld, pod, service } from './helpers/operator-world.js';
import { assertAccepted, assertStatusAccepted, sampleObject, withStatus } from './helpers/operator-samples.js';
import { crdSchema } from './helpers/crd-schema.js';

const NS = 'velero';

function seaweedfs(world: FakeWorld, up: boolean): FakeWorld {
  return world.add(service('seaweedfs', 'seaweedfs', { 'app.kubernetes.io/name': 'seaweedfs' }), pod('seaweedfs', 'seaweedfs-0', { 'app.kubernetes.io/name': 'seaweedfs' }, up));
}

describe('velero.io model', () => {
  it('renders a BackupStorageLocation on the SeaweedFS S3 gateway that the v1.18.3 CRD accepts', () => {
    const bsl = sampleObject(model, 'BackupStorageLocation', 'velero', NS);
    assertAccepted(bsl);
    assert.equal(crdSchema('velero.io', 'BackupStorageLocation', 'v1').hasStatusSubresource, false, 'status is written with the object');
  });

  it('SeaweedFS answering: Available, validated now', () => {
    const bsl = sampleObject(model, 'BackupStorageLocation', 'velero', NS);
    const status = model.status(bsl, seaweedfs(new FakeWorld().operatorUp(model), true));
    assertStatusAccepted(bsl, status);
    assert.equal(status!.phase, 'Available');
    assert.equal(status!.message, undefined);
    assert.match(String(status!.lastValidationTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('a stopped Velero writes nothing', () => {
    assert.equal(model.status(sampleObject(model, 'BackupStorageLocation', 'velero', NS), seaweedfs(new FakeWorld(), true)), undefined);
  });

  it("SeaweedFS down: Unavailable with Velero's message, once the next validation is due", () => {
    const world = seaweedfs(new FakeWorld().operatorUp(model), true);
    const bsl = sampleObject(model, 'BackupStorageLocation', 'velero', NS);
    const available = withStatus(bsl, model.status(bsl, world));
    seaweedfs(world, false);
    assert.equal(model.status(available, world)!.phase, 'Available', 'not revalidated within the minute');

    const stale = withStatus(bsl, { ...available.status, lastValidationTime: '2020-01-01T00:00:00Z' });
    const status = model.status(stale, world);
    assertStatusAccepted(bsl, status);
    assert.equal(status!.phase, 'Unavailable');
    assert.equal(
      status!.message,
      'BackupStorageLocation "velero" is unavailable: rpc error: code = Unknown desc = operation error S3: ListObjectsV2, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , HostID: , request send failed, Get "http://seaweedfs.seaweedfs.svc.cluster.local:8333/velero?delimiter=%2F&list-type=2&prefix=": dial tcp 10.96.0.42:8333: connect: connection refused',
    );
    assert.equal(status!.lastSyncedTime, available.status!.lastSyncedTime, 'no sync while unavailable');
  });
});
