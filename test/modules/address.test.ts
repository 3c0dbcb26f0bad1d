/** address: diff and commands from recorded state (test/fixtures/netconfig). */
import { describe, expect, it } from 'vitest';
import { addressModule } from '../../src/modules/address/index.ts';
import { fixtureProbe } from '../netconfig/fixture-probe.ts';
import { runContext } from '../netconfig/netns-host.ts';

const params = (p: object) => addressModule.schema.parse({ persist: false, ...p });
const diff = (p: object, ctx = runContext()) => addressModule.diff(params(p), fixtureProbe(), ctx);

describe('address diff', () => {
  it('in sync with the recorded br0 (IPv4 and IPv6; link-local left alone)', () => {
    expect(diff({ dev: 'br0', addresses: ['192.0.2.10/24', '2001:db8:10::10/64'], exclusive: true })).toEqual([]);
  });

  it('adds; removes others only with exclusive; replaces a changed prefix length', () => {
    expect(diff({ dev: 'br0', addresses: ['192.0.2.11/24'] }).map((c) => c.summary)).toEqual(['br0: add 192.0.2.11/24']);
    expect(diff({ dev: 'br0', addresses: ['192.0.2.11/24'], exclusive: true }).map((c) => c.summary)).toEqual([
      'br0: add 192.0.2.11/24',
      'br0: remove 192.0.2.10/24 (not listed, exclusive)',
      'br0: remove 2001:db8:10::10/64 (not listed, exclusive)',
    ]);
    expect(diff({ dev: 'br0', addresses: ['192.0.2.10/25'] }).map((c) => c.summary)).toEqual([
      'br0: add 192.0.2.10/25',
      'br0: remove 192.0.2.10/24 (listed with another prefix length)',
    ]);
  });

  it('commands: adds, removals, then the listed addresses again (a deleted primary takes its secondaries along)', () => {
    const p = params({ dev: 'br0', addresses: ['192.0.2.10/25'] });
    const changes = addressModule.diff(p, fixtureProbe(), runContext());
    expect(addressModule.commands(changes, p, runContext()).split('\n').slice(1)).toEqual([
      'ip addr replace 192.0.2.10/25 dev br0',
      // IPv4 removals run with promote_secondaries on (restored after): see test/modules/route.run.test.ts.
      'zc_ps=$(cat /proc/sys/net/ipv4/conf/br0/promote_secondaries 2>/dev/null || :)',
      '[ -z "$zc_ps" ] || echo 1 2>/dev/null >/proc/sys/net/ipv4/conf/br0/promote_secondaries || :',
      'zc_rc=0',
      'ip addr del 192.0.2.10/24 dev br0 || zc_rc=$?',
      '[ -z "$zc_ps" ] || echo "$zc_ps" 2>/dev/null >/proc/sys/net/ipv4/conf/br0/promote_secondaries || :',
      '[ "$zc_rc" -eq 0 ] || exit "$zc_rc"',
      'ip addr replace 192.0.2.10/25 dev br0',
    ]);
  });

  it('refuses to remove the management address unless allowed; re-prefixing it is fine', () => {
    const ctx = runContext({ managementAddress: '192.0.2.10' });
    expect(() => diff({ dev: 'br0', addresses: ['192.0.2.11/24'], exclusive: true }, ctx)).toThrow(
      /refusing to remove 192.0.2.10\/24 from br0: it is the management address/,
    );
    expect(diff({ dev: 'br0', addresses: ['192.0.2.10/25'] }, ctx)).toHaveLength(2);
    expect(diff({ dev: 'br0', addresses: ['192.0.2.11/24'], exclusive: true }, { ...ctx, allowManagementChange: true })).toHaveLength(3);
  });

  it('persists one stanza per address next to the bridge stanza in the same file', () => {
    const path = '/etc/network/interfaces.d/zonectl-br0';
    const existing = '# Written by zonectl: each "# zonectl block:" section below belongs to one task and is rewritten by it.\n# zonectl block: 10-bridge\nauto br0\niface br0 inet manual\n    bridge-ports veth0\n';
    const p = addressModule.schema.parse({ dev: 'br0', addresses: ['192.0.2.10/24', '2001:db8:10::10/64'] });
    const changes = addressModule.diff(p, fixtureProbe({ files: { [path]: existing } }, { files: [path] }), runContext());
    expect(changes.map((c) => c.summary)).toEqual([`add the address stanza to ${path} (ifupdown)`]);
    expect(changes[0]?.diff).toBe(
      [
        `--- ${path}`,
        `+++ ${path}`,
        '@@ -3,3 +3,9 @@',
        ' auto br0',
        ' iface br0 inet manual',
        '     bridge-ports veth0',
        '+# zonectl block: 30-address',
        '+auto br0',
        '+iface br0 inet static',
        '+    address 192.0.2.10/24',
        '+iface br0 inet6 static',
        '+    address 2001:db8:10::10/64',
        '',
      ].join('\n'),
    );
  });
});
