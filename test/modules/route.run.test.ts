/**
 * route and address, for real in a scratch network namespace: deleting a
 * route that is already gone when its turn comes succeeds, and any other
 * failure of `ip route del` still fails the task; an exclusive address task
 * that removes a primary address keeps the listed secondary and the device's
 * routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressModule } from '../../src/modules/address/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import { NetnsHost, runContext, runTask, skipNetns } from '../netconfig/netns-host.ts';

const skip = skipNetns();
const host = new NetnsHost('zc-acm-rt');

describe.skipIf(skip)('route state absent, and address removals, in a namespace', () => {
  beforeAll(async () => {
    await host.start();
    host.must('ip link add acmrt0 type veth peer name acmrt0p && ip link set acmrt0p up && ip link set acmrt0 up');
    // .7 primary, .1 secondary, no promotion: deleting .7 takes .1 with it, as happened in the lab.
    host.must('sysctl -qw net.ipv4.conf.acmrt0.promote_secondaries=0 && ip addr add 10.91.0.7/24 dev acmrt0 && ip addr add 10.91.0.1/24 dev acmrt0');
    host.must('ip route add 10.92.0.0/16 via 10.91.0.254 dev acmrt0 metric 100');
  });
  afterAll(() => host.close());

  it('an exclusive address task removing the primary keeps the listed secondary and the routes through the device', () => {
    // Regression: deleting .7 took secondary .1 with it; for that moment the device had no IPv4
    // address and the kernel flushed 10.92.0.0/16, so the next run found the route missing.
    const addr = runTask(host, addressModule, { dev: 'acmrt0', addresses: ['10.91.0.1/24'], exclusive: true, persist: false });
    expect(addr.changes.map((c) => c.summary)).toEqual(['acmrt0: remove 10.91.0.7/24 (not listed, exclusive)']);
    expect(addr.apply?.stderr).toBe('');
    expect(addr.apply?.exitCode).toBe(0);
    expect(host.must('ip -4 -br addr show dev acmrt0')).toMatch(/10\.91\.0\.1\/24\s*$/);
    expect(host.must('ip route show 10.92.0.0/16')).toContain('via 10.91.0.254');
    // promote_secondaries is back to what it was.
    expect(host.must('cat /proc/sys/net/ipv4/conf/acmrt0/promote_secondaries').trim()).toBe('0');
  });

  it('is done, not failed, when the route vanished between probe and apply', () => {
    // Regression: "RTNETLINK answers: No such process" failed the host (in the lab the kernel had
    // flushed the route when an earlier task of the apply removed the device's addresses).
    const route = { to: '10.92.0.0/16', via: '10.91.0.254', dev: 'acmrt0', metric: 100, state: 'absent', persist: false };
    const planned = runTask(host, routeModule, route, runContext(), true);
    expect(planned.changes.map((c) => c.summary)).toEqual(['delete route 10.92.0.0/16 via 10.91.0.254 dev acmrt0 metric 100']);
    host.must('ip route del 10.92.0.0/16 metric 100');
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
