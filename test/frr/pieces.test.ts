/**
 * The FRR helpers on recorded FRR 8.4.4 output (test/fixtures/frr/, recorded
 * on two lab nodes joined by a veth pair, eBGP with an MD5 password; see
 * test/fixtures/frr/README.md): frr-reload.py --test parsing, the daemons
 * file edit (run through the real awk), secret masking (TS and the sed
 * program), the BGP-summary check (run through the real python3), and what
 * is read out of config text.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bgpNeighbors, missingReferences } from '../../src/frr/config-text.ts';
import { daemonSwitches, editDaemonsScript, parseDaemons, wantedDaemons } from '../../src/frr/daemons.ts';
import { formatReloadDiff, hostOwnedOf, parseReloadTest, withoutHostOwned } from '../../src/frr/reload-diff.ts';
import { MASK_SED, maskSecrets } from '../../src/frr/secrets.ts';
import { SUMMARY_CHECK } from '../../src/frr/wait-bgp.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'frr');
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const probeStdout = (name: string): string => (JSON.parse(fixture(`probe-${name}.json`)) as { output: { stdout: string } }).output.stdout;
const between = (text: string, from: string, to: string): string => text.slice(text.indexOf(from) + from.length, text.indexOf(to));

describe('frr-reload.py --test output', () => {
  it('is empty when the running configuration matches', () => {
    expect(fixture('reload-test-in-sync.txt')).toBe('');
    expect(parseReloadTest('')).toEqual({ deletes: [], adds: [] });
  });

  it('reads deletes and adds with their context (recorded: a network added, a password changed, forwarding off)', () => {
    const diff = parseReloadTest(between(probeStdout('add'), '@@frr reload\n', '@@frr reload-exit'));
    expect(diff.deletes).toEqual([
      { context: [], line: 'ip forwarding' },
      { context: [], line: 'ipv6 forwarding' },
      { context: ['router bgp 65001'], line: ' no neighbor 10.99.0.2 password s3cret-pw' },
    ]);
    expect(diff.adds).toEqual([
      { context: ['router bgp 65001'], line: ' neighbor 10.99.0.2 password n3w-secret' },
      { context: ['router bgp 65001', ' address-family ipv4 unicast'], line: '  network 198.51.100.128/25' },
    ]);
  });

  it('leaves forwarding, hostname and frr version to the host unless the file names them', () => {
    const recorded = parseReloadTest(fixture('reload-test-add-network-forwarding-off.txt'));
    const kept = withoutHostOwned(recorded, hostOwnedOf('router bgp 65001\n'));
    expect(kept.deletes).toEqual([]);
    expect(kept.adds).toHaveLength(1);
    expect(withoutHostOwned(recorded, hostOwnedOf('no ip forwarding\n')).deletes.map((l) => l.line)).toEqual(['ip forwarding']);
    const noHostname = parseReloadTest(fixture('reload-test-no-hostname.txt'));
    expect(noHostname.deletes.map((l) => l.line)).toEqual(['no hostname r1', 'no log syslog informational']);
    expect(withoutHostOwned(noHostname, hostOwnedOf('')).deletes.map((l) => l.line)).toEqual(['no log syslog informational']);
    expect(withoutHostOwned({ deletes: [], adds: [{ context: [], line: 'frr version 8.1' }] }, hostOwnedOf('frr version 8.1\n')).adds).toEqual([]);
  });

  it('prints each context once, then the - and + lines', () => {
    const diff = parseReloadTest(between(probeStdout('add'), '@@frr reload\n', '@@frr reload-exit'));
    expect(formatReloadDiff(withoutHostOwned(diff, hostOwnedOf('')))).toBe(
      ['  router bgp 65001', '-  no neighbor 10.99.0.2 password s3cret-pw', '  router bgp 65001', '+  neighbor 10.99.0.2 password n3w-secret', '   address-family ipv4 unicast', '+   network 198.51.100.128/25'].join('\n'),
    );
  });
});

describe('/etc/frr/daemons', () => {
  const recorded = fixture('daemons');

  it('reads the switches of the recorded file (bgpd on, the others off)', () => {
    const d = parseDaemons(recorded);
    expect(d.get('bgpd')).toBe('yes');
    expect(d.get('ospfd')).toBe('no');
    expect(d.has('zebra_options')).toBe(false);
    expect(d.size).toBe(18);
  });

  it('a list means exactly these daemons; a mapping only the named ones', () => {
    const d = parseDaemons(recorded);
    expect(daemonSwitches(d, wantedDaemons(['bgpd']))).toEqual([]);
    expect(daemonSwitches(d, wantedDaemons(['bfdd']))).toEqual([
      { daemon: 'bgpd', from: 'yes', to: 'no' },
      { daemon: 'bfdd', from: 'no', to: 'yes' },
    ]);
    expect(daemonSwitches(d, wantedDaemons({ bfdd: true }))).toEqual([{ daemon: 'bfdd', from: 'no', to: 'yes' }]);
    expect(daemonSwitches(new Map(), wantedDaemons({ bfdd: false }))).toEqual([]);
  });

  it('the edit changes only the switched lines and appends missing ones (real awk on the recorded file)', () => {
    const tmp = join(dir, 'daemons');
    const script = editDaemonsScript(tmp, [
      { daemon: 'bfdd', from: 'no', to: 'yes' },
      { daemon: 'bgpd', from: 'yes', to: 'no' },
    ]);
    const edited = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    const before = recorded.split('\n');
    const after = edited.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.map((l, i) => [l, after[i]]).filter(([a, b]) => a !== b);
    expect(changed).toEqual([
      ['bgpd=yes', 'bgpd=no'],
      ['bfdd=no', 'bfdd=yes'],
    ]);
    const appended = execFileSync('sh', ['-c', editDaemonsScript('/dev/null', [{ daemon: 'pathd', from: undefined, to: 'yes' }])], { encoding: 'utf8' });
    expect(appended).toBe('pathd=yes\n');
  });
});

describe('secret masking', () => {
  const lines = [
    ' neighbor 10.99.0.2 password s3cret-pw',
    '-  no neighbor 10.99.0.2 password s3cret-pw',
    '+ neighbor 10.99.0.2 password n3w secret with spaces',
    'line 4: % Unknown command[25]:  neighbor 10.99.0.2 password s3cret-pw extra',
    ' ip ospf authentication-key k3y',
    ' ip ospf message-digest-key 1 md5 k3y',
    ' key-string k3y',
    'password zebra',
    'enable password 8 zebra',
  ];

  it('hides every password and key, also old ones the engine does not know', () => {
    const masked = maskSecrets(lines.join('\n'));
    expect(masked).not.toMatch(/s3cret|n3w|k3y|zebra/);
    expect(masked.split('\n')[0]).toBe(' neighbor 10.99.0.2 password <secret>');
    expect(masked.split('\n')[1]).toBe('-  no neighbor 10.99.0.2 password <secret>');
  });

  it('the sed program used on the host masks the same lines', () => {
    const r = spawnSync('sed', ['-E', MASK_SED], { input: lines.join('\n'), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd()).toBe(maskSecrets(lines.join('\n')));
  });

  it('leaves other lines alone', () => {
    const text = fixture('r2-running-config.txt').replace(/.*password.*\n/, '');
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('BGP summary check (python3, as the apply script runs it)', () => {
  const check = (json: string, ...neighbors: string[]) => spawnSync('python3', ['-c', SUMMARY_CHECK, ...neighbors], { input: json, encoding: 'utf8' });

  it('passes when the neighbours are Established (recorded r1)', () => {
    const r = check(fixture('r1-bgp-summary.json'), '10.99.0.2');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('');
  });

  it('names each neighbour that is not, with its state (recorded r2: the IPv6 peer is Active)', () => {
    const r = check(fixture('r2-bgp-summary-v6-active.json'), '10.99.0.1', 'fd00:99::1', '10.99.0.9');
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe('fd00:99::1 Active, 10.99.0.9 not in the BGP summary');
  });

  it('fails, not crashes, when vtysh printed nothing', () => {
    const r = check('', '10.99.0.1');
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe('10.99.0.1 not in the BGP summary');
  });
});

describe('config text', () => {
  it('finds the BGP neighbours to wait for, not shut down ones or peer groups', () => {
    expect(bgpNeighbors(fixture('r2-frr.conf'))).toEqual(['10.99.0.1', 'fd00:99::1']);
    expect(bgpNeighbors('router bgp 1\n neighbor PG remote-as external\n neighbor 10.0.0.1 remote-as 2\n neighbor 10.0.0.2 remote-as 2\n neighbor 10.0.0.2 shutdown\nexit\n')).toEqual(['10.0.0.1']);
  });

  it('finds route maps and prefix lists used but not defined (recorded rejected file: NOPE)', () => {
    expect(missingReferences(fixture('r1-frr.conf'))).toEqual([]);
    expect(missingReferences(fixture('r2-frr.conf'))).toEqual([]);
    expect(missingReferences(fixture('rejected-frr.conf'))).toEqual([{ kind: 'route-map', name: 'NOPE', line: 3 }]);
    expect(missingReferences('route-map A permit 10\n match ipv6 address prefix-list P4\nexit\nip prefix-list P4 seq 5 permit any\n')).toEqual([{ kind: 'prefix-list', name: 'P4', line: 2 }]);
  });
});
