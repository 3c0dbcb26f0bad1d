/**
 * Real execution of the netplan and NetworkManager backends in a scratch
 * network namespace with a private /etc (overlay): link, bridge, address and
 * route tasks converge, the files hold every task's part (mode 0600), the
 * second run has nothing to do, hand changes are detected and repaired, and a
 * removed block leaves the files. With ZONECTL_NETPLAN_ROOT (an extracted
 * netplan.io, see test/fixtures/netconfig/rendered-cloud/record.sh) the real
 * generator validates every write, and a conflicting netplan file is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressModule } from '../../src/modules/address/index.ts';
import { bridgeModule } from '../../src/modules/bridge/index.ts';
import type { ModuleDefinition } from '../../src/modules/contract.ts';
import { linkModule } from '../../src/modules/link/index.ts';
import { routeModule } from '../../src/modules/route/index.ts';
import { EtcOverlayHost, runOn } from './netns-etc-host.ts';
import { runContext, skipNetns } from './netns-host.ts';

const skip = skipNetns();
const generatorRoot = process.env.ZONECTL_NETPLAN_ROOT;
// CI unpacks the generator (.ci/run): there, a missing one is a failure, never a skip.
if (process.env.CI === 'true' && !generatorRoot) {
  throw new Error('ZONECTL_NETPLAN_ROOT is not set under CI=true: run scripts/netplan-validator.sh (as .ci/run does)');
}

const link: [ModuleDefinition, object] = [linkModule, { name: 'npup0', mtu: 9000, state: 'up' }];
const bridge: [ModuleDefinition, object] = [bridgeModule, { name: 'npbr0', ports: ['npup0'], mtu: 9000 }];
const address: [ModuleDefinition, object] = [addressModule, { dev: 'npbr0', addresses: ['10.79.0.1/24', 'fd00:79::1/64'] }];
const route: [ModuleDefinition, object] = [routeModule, { to: '10.80.0.0/16', via: '10.79.0.254', dev: 'npbr0', table: 100, metric: 5 }];

// The live kernel needs the bridge before its address and the address before the route; the files do not care: each backend gets another order.
function suite(backend: 'netplan' | 'networkmanager') {
  const tasks = backend === 'netplan' ? [link, bridge, address, route] : [bridge, address, route, link];
  const host = new EtcOverlayHost(`zc-np-${backend === 'netplan' ? 'np' : 'nm'}`);
  const ctx = runContext({ vars: { network_backend: backend } });
  const converge = (list = tasks) => {
    const summaries: string[] = [];
    for (const [module, params] of list) {
      const r = runOn(host, module, params, ctx);
      if (r.apply) expect(r.apply.stderr).toBe('');
      if (r.apply) expect(r.apply.exitCode).toBe(0);
      summaries.push(...r.changes.map((c) => c.summary));
    }
    return summaries;
  };
  const pending = () => tasks.flatMap(([module, params]) => runOn(host, module, params, ctx, true).changes.map((c) => c.summary));
  return { host, converge, pending };
}

const NETPLAN_YAML = `# Written by zonectl from /etc/netplan/60-zonectl.blocks (one block per task); change the playbook, not this file.
network:
  version: 2
  ethernets:
    npup0:
      mtu: 9000
  bridges:
    npbr0:
      interfaces: [npup0]
      parameters:
        stp: false
        forward-delay: 0
      mtu: 9000
      addresses:
        - "10.79.0.1/24"
        - "fd00:79::1/64"
      routes:
        - to: "10.80.0.0/16"
          via: "10.79.0.254"
          metric: 5
          table: 100
`;

describe.skipIf(skip)('netplan backend in a namespace', () => {
  const { host, converge, pending } = suite('netplan');
  let bin = '';
  beforeAll(async () => {
    await host.start();
    host.must('ip link add npup0 type veth peer name npup0p');
    if (generatorRoot) {
      // `netplan generate --root-dir` as the package's CLI runs it, from the extracted package.
      bin = mkdtempSync(join(tmpdir(), 'zc-np-bin-'));
      writeFileSync(
        join(bin, 'netplan'),
        `#!/bin/sh\n[ "$1" = generate ] || exit 2\nshift\nLD_LIBRARY_PATH=${generatorRoot}/usr/lib/x86_64-linux-gnu exec ${generatorRoot}/usr/libexec/netplan/generate "$@"\n`,
        { mode: 0o755 },
      );
      host.env = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    }
  });
  afterAll(async () => {
    await host.close();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  it('converges, then has nothing to do', () => {
    const first = converge();
    expect(first).toContain('add the route 10.80.0.0/16 table 100 metric 5 settings of npbr0 to /etc/netplan/60-zonectl.yaml (netplan)');
    expect(first).toContain('add the bridge settings of npbr0 to /etc/netplan/60-zonectl.yaml (netplan)');
    expect(host.must('cat /etc/netplan/60-zonectl.yaml')).toBe(NETPLAN_YAML);
    expect(host.must('stat -c %a /etc/netplan/60-zonectl.yaml /etc/netplan/60-zonectl.blocks')).toBe('600\n600\n');
    expect(host.must('ip -j -d link show npbr0')).toContain('"mtu":9000');
    expect(pending()).toEqual([]);
  });

  it('detects a hand edit of the YAML and rewrites it', () => {
    host.must("sed -i 's/mtu: 9000/mtu: 1500/' /etc/netplan/60-zonectl.yaml");
    const seen = pending();
    expect(seen).toContain('rewrite /etc/netplan/60-zonectl.yaml from /etc/netplan/60-zonectl.blocks: a file changed by hand (netplan)');
    converge();
    expect(host.must('cat /etc/netplan/60-zonectl.yaml')).toBe(NETPLAN_YAML);
    expect(pending()).toEqual([]);
  });

  it('removes a block when its task says so', () => {
    const gone = runOn(host, routeModule, { to: '10.80.0.0/16', via: '10.79.0.254', dev: 'npbr0', table: 100, metric: 5, state: 'absent' }, runContext({ vars: { network_backend: 'netplan' } }));
    expect(gone.apply?.exitCode).toBe(0);
    expect(host.must('cat /etc/netplan/60-zonectl.yaml')).not.toContain('routes:');
    expect(host.must('cat /etc/netplan/60-zonectl.blocks')).not.toContain('40-route');
    converge();
    expect(pending()).toEqual([]);
  });

  it.skipIf(!generatorRoot)('netplan is detected, and its generator refuses a conflicting definition (the file stays as it was)', () => {
    const probe = runOn(host, linkModule, { name: 'npup0', mtu: 9000, state: 'up' }, runContext(), true);
    expect(probe.changes).toEqual([]); // detected as netplan (no network_backend): in sync
    // Another netplan file says npup0 is a bond: a type clash the generator reports.
    host.must("printf 'network:\\n  version: 2\\n  bonds:\\n    npup0: {}\\n' > /etc/netplan/50-other.yaml && chmod 600 /etc/netplan/50-other.yaml");
    const before = host.must('cat /etc/netplan/60-zonectl.yaml');
    const r = runOn(host, linkModule, { name: 'npup0', mtu: 8000, state: 'up' }, runContext({ vars: { network_backend: 'netplan' } }));
    expect(r.apply?.exitCode).toBe(1);
    expect(r.apply?.stderr).toMatch(/npup0.*(type|bond)/i);
    expect(r.apply?.stderr).toContain('zonectl: validate failed for /etc/netplan/60-zonectl.yaml');
    expect(host.must('cat /etc/netplan/60-zonectl.yaml')).toBe(before);
    host.must('rm /etc/netplan/50-other.yaml');
  });
});

describe.skipIf(skip)('NetworkManager backend in a namespace', () => {
  const { host, converge, pending } = suite('networkmanager');
  const dir = '/etc/NetworkManager/system-connections';
  beforeAll(async () => {
    await host.start();
    host.must('ip link add npup0 type veth peer name npup0p');
  });
  afterAll(() => host.close());

  it('writes one keyfile per interface (0600), then has nothing to do', () => {
    const first = converge();
    expect(first).toContain('add the address settings of npbr0 to /etc/NetworkManager/system-connections (networkmanager)');
    expect(host.must(`ls -A ${dir}`)).toBe('zonectl-npbr0.nmconnection\nzonectl-npup0.nmconnection\n');
    expect(host.must(`stat -c %a ${dir}/* /etc/NetworkManager/zonectl.blocks`)).toBe('600\n600\n600\n');
    expect(host.must(`cat ${dir}/zonectl-npbr0.nmconnection`)).toBe(
      [
        '# Written by zonectl from /etc/NetworkManager/zonectl.blocks (one block per task); change the playbook, not this file.',
        '[connection]',
        'id=zonectl-npbr0',
        'type=bridge',
        'interface-name=npbr0',
        '',
        '[ethernet]',
        'mtu=9000',
        '',
        '[bridge]',
        'stp=false',
        '',
        '[ipv4]',
        'method=manual',
        'address1=10.79.0.1/24',
        'route1=10.80.0.0/16,10.79.0.254,5',
        'route1_options=table=100',
        '',
        '[ipv6]',
        'method=manual',
        'address1=fd00:79::1/64',
        '',
      ].join('\n'),
    );
    expect(host.must(`cat ${dir}/zonectl-npup0.nmconnection`)).toContain('interface-name=npup0\nmaster=npbr0\nslave-type=bridge\n\n[ethernet]\nmtu=9000\n');
    expect(pending()).toEqual([]);
  });

  it('detects a hand edit of a keyfile and rewrites it', () => {
    host.must(`sed -i 's/^address1=10.79.0.1/address1=10.79.0.9/' ${dir}/zonectl-npbr0.nmconnection`);
    expect(pending()).toContain('rewrite /etc/NetworkManager/system-connections from /etc/NetworkManager/zonectl.blocks: a file changed by hand (networkmanager)');
    converge();
    expect(host.must(`grep ^address1 ${dir}/zonectl-npbr0.nmconnection`)).toBe('address1=10.79.0.1/24\naddress1=fd00:79::1/64\n');
    expect(pending()).toEqual([]);
  });

  it('drops a keyfile no block renders any more', () => {
    // The bridge without ports, and npup0's link block gone from the source (as if by hand): npup0's keyfile goes.
    const ctx = runContext({ vars: { network_backend: 'networkmanager' } });
    expect(runOn(host, bridgeModule, { name: 'npbr0', ports: [], mtu: 9000, exclusive: true }, ctx).apply?.exitCode).toBe(0);
    host.must("sed -i '/^# zonectl block: npup0 20-link$/,$d' /etc/NetworkManager/zonectl.blocks");
    expect(runOn(host, addressModule, { dev: 'npbr0', addresses: ['10.79.0.2/24'] }, ctx).apply?.exitCode).toBe(0);
    expect(host.must(`ls -A ${dir}`)).toBe('zonectl-npbr0.nmconnection\n');
  });
});
