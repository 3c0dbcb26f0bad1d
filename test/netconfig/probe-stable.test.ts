/**
 * Saved plans compare a fingerprint of each host's probe output, so the
 * network probe of an unchanged host must print the same bytes every time.
 * In a scratch network namespace (netns-host.ts): a bridge (its gc_timer and
 * its port's forward_delay_timer count down), a veth port, addresses with a
 * finite lifetime (`valid_lft 300`: their remaining lifetime and the IPv6
 * prefix route's `expires` count down), probed more than a second apart,
 * each time as over a new SSH connection (another client port).
 * Needs root; under CI=true it never skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IP_COMMANDS, netProbe, parseNetProbe } from '../../src/netconfig/probe.ts';
import { addressModule } from '../../src/modules/address/index.ts';
import { bridgeModule } from '../../src/modules/bridge/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import { NetnsHost, runContext, skipNetns } from './netns-host.ts';

const skip = skipNetns();
// An alias that looks like a timer: the filter must leave names alone and keep the JSON valid.
const ALIAS = 'x","gc_timer":12.5,"valid_life_time":7,"expires":3}{"y';

describe.skipIf(skip)('the network probe of an unchanged host', () => {
  const host = new NetnsHost('zc-pstab');
  beforeAll(async () => {
    await host.start();
    host.must(
      [
        'ip link add zpsv0 type veth peer name zpsv1',
        'ip link add zpsbr0 type bridge',
        'ip link set zpsv0 master zpsbr0',
        `ip link set zpsbr0 alias '${ALIAS.replace(/'/g, "'\\''")}'`,
        'ip link set zpsv0 up && ip link set zpsv1 up && ip link set zpsbr0 up',
        'ip addr add 192.0.2.10/24 dev zpsbr0 valid_lft 300 preferred_lft 300',
        'ip addr add 2001:db8:10::10/64 dev zpsbr0 nodad valid_lft 300 preferred_lft 300',
        'ip addr add 198.51.100.5/24 dev zpsbr0',
      ].join(' && '),
    );
    // Let duplicate address detection of the link-local addresses finish (`tentative` is real state that settles).
    for (let i = 0; i < 100 && /tentative/.test(host.must('ip -j addr show')); i++) host.must('sleep 0.1');
  });
  afterAll(() => host.close());

  it('prints the same output twice; the raw iproute2 output does not', () => {
    const ctx = runContext();
    const probes = [
      netProbe({ tools: ['arping'], vlanSupport: true, files: ['/etc/network/interfaces'] }),
      bridgeModule.probe(bridgeModule.schema.parse({ name: 'zpsbr0', ports: ['zpsv0'], persist: false }), ctx),
      addressModule.probe(addressModule.schema.parse({ dev: 'zpsbr0', addresses: ['192.0.2.10/24'], persist: false }), ctx),
      routeModule.probe(routeModule.schema.parse({ to: '203.0.113.0/24', via: '192.0.2.1', dev: 'zpsbr0', persist: false }), ctx),
    ];
    const raw = 'ip -j -d link show; ip -j addr show; ip -j route show table all';
    // Each run comes over a new SSH connection: a new client port in SSH_CONNECTION.
    const over = (port: number) => (p: string) => host.sh(`SSH_CONNECTION='198.51.100.9 ${port} 192.0.2.10 22'; export SSH_CONNECTION\n${p}`);
    const first = probes.map(over(50022));
    const rawFirst = host.must(raw);
    host.must('sleep 1.2');
    const second = probes.map(over(50023));
    const rawSecond = host.must(raw);
    // Guard: the countdowns did move in between, so the equality below means something.
    expect(rawSecond).not.toEqual(rawFirst);
    expect(rawFirst).toMatch(/"gc_timer":[1-9]/);
    for (const [i, out] of first.entries()) {
      expect(out.exitCode, out.stderr).toBe(0);
      expect(second[i]).toEqual(out);
    }
  });

  it('keeps the JSON valid and what the parsers read: names, a finite lifetime, the bridge, the SSH addresses', () => {
    const links = JSON.parse(host.must(IP_COMMANDS.links)) as { ifname: string; ifalias?: string; linkinfo?: { info_data?: { gc_timer?: number } } }[];
    const br = links.find((l) => l.ifname === 'zpsbr0');
    expect(br?.ifalias).toBe(ALIAS);
    expect(br?.linkinfo?.info_data?.gc_timer).toBe(0);
    expect(JSON.parse(host.must(IP_COMMANDS.routes))).toContainEqual(expect.objectContaining({ dst: '2001:db8:10::/64', expires: 0 }));
    const probe = parseNetProbe(host.must(`SSH_CONNECTION='198.51.100.9 50022 192.0.2.10 22'; export SSH_CONNECTION\n${netProbe()}`));
    expect(probe.ssh).toEqual({ client: '198.51.100.9', server: '192.0.2.10' });
    const on = (dev: string) => probe.state.addresses.filter((a) => a.dev === dev && a.scope === 'global');
    expect(on('zpsbr0').map((a) => [a.cidr, a.dynamic])).toEqual([
      ['192.0.2.10/24', true],
      ['198.51.100.5/24', false],
      ['2001:db8:10::10/64', true],
    ]);
    expect(probe.state.links.find((l) => l.name === 'zpsbr0')).toMatchObject({ kind: 'bridge', up: true, bridge: { stp: false, forwardDelay: 15 } });
    expect(probe.state.bridgePorts).toContainEqual({ name: 'zpsv0', master: 'zpsbr0', state: 'forwarding' });
  });
});
