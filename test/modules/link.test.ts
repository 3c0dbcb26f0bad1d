/** link: diff and commands from recorded state (test/fixtures/netconfig). */
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { linkModule } from '../../src/modules/link/index.ts';
import { ifupdownPath } from '../../src/netconfig/persist/ifupdown.ts';
import { fixtureProbe } from '../netconfig/fixture-probe.ts';
import { runContext } from '../netconfig/netns-host.ts';

const params = (p: object) => linkModule.schema.parse(p);
const request = (p: ReturnType<typeof params>) => ({ files: p.persist ? [ifupdownPath(p.name)] : [] });

describe('link diff', () => {
  it('in sync: veth2 already has MTU 9000 and is up, and its stanza is persisted', () => {
    const p = params({ name: 'veth2', mtu: 9000, state: 'up' });
    const path = ifupdownPath('veth2');
    const file = `# Written by zonectl: each "# zonectl block:" section below belongs to one task and is rewritten by it.\n# zonectl block: 20-link\nauto veth2\niface veth2 inet manual\n    mtu 9000\n`;
    const probe = fixtureProbe({ files: { [path]: file } }, request(p));
    expect(linkModule.diff(p, probe, runContext())).toEqual([]);
  });

  it('MTU and state changes, and the new persisted file with its diff', () => {
    const p = params({ name: 'veth3', mtu: 9000, state: 'up' });
    const changes = linkModule.diff(p, fixtureProbe({}, request(p)), runContext());
    expect(changes.map((c) => c.summary)).toEqual([
      'veth3: mtu 1500 → 9000',
      'veth3: down → up',
      'add the link stanza to /etc/network/interfaces.d/zonectl-veth3 (ifupdown)',
    ]);
    expect(changes[2]?.diff).toContain('+# zonectl block: 20-link\n+auto veth3\n+iface veth3 inet manual\n+    mtu 9000\n');
    const script = linkModule.commands(changes, p, runContext());
    expect(script).toContain('ip link set dev veth3 mtu 9000');
    expect(script).toContain('ip link set dev veth3 up');
  });

  it('a missing interface is planned (an earlier task may create it) and checked at apply time', () => {
    const p = params({ name: 'cloudbr9', mtu: 9000, persist: false });
    const changes = linkModule.diff(p, fixtureProbe(), runContext());
    expect(changes.map((c) => c.summary)).toEqual(['cloudbr9: mtu 9000 (not there yet: an earlier task must create it)']);
    expect(linkModule.commands(changes, p, runContext())).toContain("echo 'link: interface cloudbr9 does not exist' >&2; exit 1");
  });

  it('refuses to take down the management device or a port of its bridge unless allowed', () => {
    const ctx = runContext({ managementAddress: '192.0.2.10' });
    expect(() => linkModule.diff(params({ name: 'br0', state: 'down', persist: false }), fixtureProbe(), ctx)).toThrow(TaskError);
    expect(() => linkModule.diff(params({ name: 'veth0', state: 'down', persist: false }), fixtureProbe(), ctx)).toThrow(
      /refusing to take veth0 down: it is a port of br0, which carries the management address 192.0.2.10/,
    );
    const allowed = linkModule.diff(params({ name: 'br0', state: 'down', persist: false }), fixtureProbe(), { ...ctx, allowManagementChange: true });
    expect(allowed.map((c) => c.summary)).toEqual(['br0: up → down']);
  });

  it('refuses to persist where ifupdown would not read the file, and on backends it cannot write', () => {
    const p = params({ name: 'veth3', mtu: 9000 });
    expect(() => linkModule.diff(p, fixtureProbe({ ifupdownSource: 'no' }, request(p)), runContext())).toThrow(/does not read \/etc\/network\/interfaces.d/);
    // netplan is persisted since the netplan backend exists (test/netconfig/rendered.test.ts covers it).
    expect(linkModule.diff(p, fixtureProbe({ backend: 'netplan' }, request(p)), runContext()).map((c) => c.summary)).toContain('add the link settings of veth3 to /etc/netplan/60-zonectl.yaml (netplan)');
    expect(linkModule.diff(p, fixtureProbe({ backend: 'netplan' }, request(p)), runContext({ vars: { network_backend: 'none' } }))).toHaveLength(1);
    expect(() => linkModule.diff(p, fixtureProbe({}, request(p)), runContext({ vars: { network_backend: 'systemd' } }))).toThrow(/network_backend is "systemd"/);
  });
});
