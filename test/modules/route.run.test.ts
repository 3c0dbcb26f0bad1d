/**
 * route, for real in a scratch network namespace: deleting a route that is
 * already gone when its turn comes (the kernel dropped it with the address
 * its gateway was reached through, earlier in the same apply) succeeds, and
 * any other failure of `ip route del` still fails the task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressModule } from '../../src/modules/address/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import { NetnsHost, runContext, runTask, skipNetns } from '../netconfig/netns-host.ts';

const skip = skipNetns();
const host = new NetnsHost('zc-acm-rt');

describe.skipIf(skip)('route state absent in a namespace', () => {
  beforeAll(async () => {
    await host.start();
    host.must('ip link add acmrt0 type veth peer name acmrt0p && ip link set acmrt0p up && ip link set acmrt0 up');
    // .7 primary, .1 secondary, no promotion: deleting .7 takes .1 with it, as happened in the lab.
    host.must('sysctl -qw net.ipv4.conf.acmrt0.promote_secondaries=0 && ip addr add 10.91.0.7/24 dev acmrt0 && ip addr add 10.91.0.1/24 dev acmrt0');
    host.must('ip route add 10.92.0.0/16 via 10.91.0.254 dev acmrt0 metric 100');
  });
  afterAll(() => host.close());

  it('is done, not failed, when the route vanished between probe and apply', () => {
    // Regression: "RTNETLINK answers: No such process" failed the host after an address task removed the gateway's subnet.
    const route = { to: '10.92.0.0/16', via: '10.91.0.254', dev: 'acmrt0', metric: 100, state: 'absent', persist: false };
    const planned = runTask(host, routeModule, route, runContext(), true);
    expect(planned.changes.map((c) => c.summary)).toEqual(['delete route 10.92.0.0/16 via 10.91.0.254 dev acmrt0 metric 100']);
    // An earlier task of the same apply removes the primary address; for a moment the device has
    // no IPv4 address, and the kernel flushes its routes (the address task then puts .1 back).
    const addr = runTask(host, addressModule, { dev: 'acmrt0', addresses: ['10.91.0.1/24'], exclusive: true, persist: false });
    expect(addr.apply?.exitCode, addr.apply?.stderr).toBe(0);
    expect(host.must('ip route show 10.92.0.0/16')).toBe('');
    // The planned deletion, run now.
    const r = host.sh(`( set -e; eval '${planned.script.replace(/'/g, `'\\''`)}' ) </dev/null`);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('still fails on any other error', () => {
    const r = host.sh(`( set -e; eval '${routeModule.commands([{ summary: 'x', data: { op: 'delete', family: 4, to: '10.94.0.0/16', via: null, dev: null, metric: 0, table: 'nosuchtable' } }], {} as never, runContext()).replace(/'/g, `'\\''`)}' ) </dev/null`);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/table/);
  });
});
