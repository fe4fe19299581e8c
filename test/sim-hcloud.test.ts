/**
 * The embedded Sovereign's Hetzner Cloud API model against the harness's own client (no world):
 * servers by label selector with paging, the token, the power actions and the host behind them
 * (off with the last of its servers, booted with the first powered on again).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabelSelector, startHcloudModel, type HcloudModel } from '../sim/host/hcloud.js';
import { HcloudApi } from '../src/failover/actuators/hcloud-api.js';

const SOV = 'sim.sovereign-walk.test';

interface Host {
  calls: string[];
}

async function model(): Promise<{ m: HcloudModel; hosts: Record<string, Host>; api: HcloudApi }> {
  const hosts: Record<string, Host> = { fsn: { calls: [] }, hel: { calls: [] } };
  const m = await startHcloudModel({
    sovereign: SOV,
    log: () => {},
    regions: (['fsn', 'hel'] as const).map((code, r) => ({
      name: `hz-${code}-rtz-prod`,
      servers: [0, 1, 2, 3].map((i) => ({ id: 40_000_000 + r * 100 + i, name: `${code}-${i === 0 ? 'cp-1' : `w-${i}`}`, type: 'cpx41', location: `${code}1` })),
      powerOff: async () => {
        hosts[code].calls.push('off');
        return 'link pulled; every process killed';
      },
      powerOn: async () => {
        hosts[code].calls.push('on');
      },
      boot: async () => {
        hosts[code].calls.push('boot');
      },
    })),
  });
  return { m, hosts, api: new HcloudApi({ HCLOUD_TOKEN: m.token, HCLOUD_ENDPOINT: m.endpoint }) };
}

test('servers by label selector, every page; the token is required; errors as the API writes them', async () => {
  const { m, api } = await model();
  try {
    const fsn = await api.servers(m.labelSelector('hz-fsn-rtz-prod'));
    assert.deepEqual(fsn.map((s) => `${s.id} ${s.name} ${s.status}`), ['40000000 fsn-cp-1 running', '40000001 fsn-w-1 running', '40000002 fsn-w-2 running', '40000003 fsn-w-3 running']);
    assert.equal((await api.servers(`openova.io/sovereign=${SOV}`)).length, 8);
    assert.equal((await api.servers('openova.io/region in (hz-hel-rtz-prod)')).length, 4);
    assert.equal((await api.servers('openova.io/region!=hz-hel-rtz-prod,!missing')).length, 4);

    const page = (await (await fetch(`${m.endpoint}/servers?per_page=3&page=3`, { headers: { authorization: `Bearer ${m.token}` } })).json()) as { servers: unknown[]; meta: { pagination: Record<string, unknown> } };
    assert.equal(page.servers.length, 2);
    assert.deepEqual(page.meta.pagination, { page: 3, per_page: 3, previous_page: 2, next_page: null, last_page: 3, total_entries: 8 });

    await assert.rejects(new HcloudApi({ HCLOUD_TOKEN: 'wrong', HCLOUD_ENDPOINT: m.endpoint }).servers('a=b'), /hcloud GET \/servers: HTTP 401 \(unable to authenticate\)/);
    await assert.rejects(api.server(1), /hcloud GET \/servers\/1: HTTP 404 \(server with ID '1' not found\)/);
    await assert.rejects(api.servers('a in b'), /HTTP 400 \(invalid label selector term "a in b"\)/);
    assert.throws(() => parseLabelSelector('=x'), /invalid label selector term/);
  } finally {
    await m.close();
  }
});

test('the host goes off with the last of its servers and boots once with the first powered on; actions run, then succeed', async () => {
  const { m, hosts, api } = await model();
  try {
    const fsn = (await api.servers(m.labelSelector('hz-fsn-rtz-prod'))).map((s) => ({ id: s.id, name: s.name }));
    await api.powerOff(fsn.slice(0, 2));
    assert.deepEqual(hosts.fsn.calls, [], 'two of four servers off: the host still has power');
    assert.deepEqual((await api.servers(m.labelSelector('hz-fsn-rtz-prod'))).map((s) => s.status), ['off', 'off', 'running', 'running']);
    await api.powerOff(fsn);
    assert.deepEqual(hosts.fsn.calls, ['off']);
    assert.deepEqual(hosts.hel.calls, [], 'the other region is untouched');

    const raw = (await (await fetch(`${m.endpoint}/servers/${fsn[0].id}/actions/poweron`, { method: 'POST', headers: { authorization: `Bearer ${m.token}` } })).json()) as { action: { id: number; command: string; status: string; resources: unknown[] } };
    assert.equal(raw.action.command, 'start_server');
    assert.equal(raw.action.status, 'running');
    assert.deepEqual(raw.action.resources, [{ id: fsn[0].id, type: 'server' }]);
    const started = await api.powerOn(fsn);
    assert.deepEqual(started, ['fsn-w-1 (40000001)', 'fsn-w-2 (40000002)', 'fsn-w-3 (40000003)'], 'the one already starting is not powered on twice');
    await m.booted();
    assert.deepEqual(hosts.fsn.calls, ['off', 'on', 'boot']);
    assert.deepEqual((await api.servers(m.labelSelector('hz-fsn-rtz-prod'))).map((s) => s.status), ['running', 'running', 'running', 'running']);
    const done = (await (await fetch(`${m.endpoint}/actions/${raw.action.id}`, { headers: { authorization: `Bearer ${m.token}` } })).json()) as { action: { status: string; finished: string | null } };
    assert.equal(done.action.status, 'success');
    assert.ok(done.action.finished);
    assert.deepEqual(await api.powerOn(fsn), [], 'powering on running servers does nothing');
  } finally {
    await m.close();
  }
});
