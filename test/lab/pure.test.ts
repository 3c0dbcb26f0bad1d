/**
 * The lab's pure pieces, without root: names, subnet choice against a real
 * recorded routing table, inventory and known_hosts text, the generated shell
 * scripts (checked by bash's own parser), preflight and the CLI's errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it, vi } from 'vitest';
import { renderStatus } from '../../src/cli/commands/lab.ts';
import { main } from '../../src/cli/main.ts';
import { UserError } from '../../src/errors/index.ts';
import type { HostRoute } from '../../src/lab/host.ts';
import { inventoryYaml, knownHostsText } from '../../src/lab/inventory.ts';
import { defaultSubnetCandidates, ipv4Range, isLabHostIface, mgmtHostIface, nodeAddress, parseSubnet24, segmentHostIface } from '../../src/lab/names.ts';
import { bootScript, ensureScript, sshdConfig } from '../../src/lab/node-script.ts';
import { missingPackages } from '../../src/lab/preflight.ts';
import { parseTopology } from '../../src/lab/topology.ts';
import { chooseSubnet, summarise } from '../../src/lab/up.ts';

const routes = JSON.parse(readFileSync(new URL('../fixtures/lab/ip-route-table-all.json', import.meta.url), 'utf8')) as HostRoute[];

describe('names a lab owns', () => {
  it('are z<lab>-<suffix>, and a suffix never contains "-", so labs cannot claim each other’s names', () => {
    expect([mgmtHostIface('ab', 3), segmentHostIface('ab', 1, 2)]).toEqual(['zab-m3', 'zab-s1e2']);
    expect(isLabHostIface('ab', 'zab-m')).toBe(true);
    expect(isLabHostIface('ab', 'zab-s1e2')).toBe(true);
    expect(isLabHostIface('ab', 'zab-x-m')).toBe(false);
    expect(isLabHostIface('ab-x', 'zab-x-m')).toBe(true);
    expect(isLabHostIface('ab', 'zab-mx')).toBe(false);
    expect(isLabHostIface('ab', 'eth0')).toBe(false);
  });

  it('address nodes from .10 and parse only /24 subnets', () => {
    const subnet = parseSubnet24('10.213.7.0/24');
    expect(subnet && nodeAddress(subnet, 0)).toBe('10.213.7.10');
    expect(parseSubnet24('10.213.7.0/23')).toBeUndefined();
    expect(parseSubnet24('10.213.300.0/24')).toBeUndefined();
    expect(ipv4Range('10.0.0.0/8')).toEqual([0x0a000000, 0x0affffff]);
    expect(ipv4Range('fe80::/64')).toBeUndefined();
  });
});

describe('choosing the management subnet (routes recorded on this machine)', () => {
  const topo = (extra = '') => parseTopology(`name: t1\n${extra}nodes: {n1: }\n`, 't.yml');

  it('refuses a given subnet that overlaps a route, pointing at it', () => {
    const refuse = (subnet: string) => {
      try {
        chooseSubnet(topo(`mgmt: {subnet: ${subnet}}\n`), undefined, routes, 'zt1-m');
      } catch (error) {
        return (error as UserError).format();
      }
      return 'accepted';
    };
    expect(refuse('10.213.110.0/24')).toBe('t.yml:2:16: management subnet 10.213.110.0/24 overlaps the route to 10.213.110.0/24 on zfrrrec-m on this machine (choose another: mgmt: {subnet: a.b.c.0/24})');
    expect(refuse('192.0.2.0/24')).toBe('t.yml:2:16: management subnet 192.0.2.0/24 overlaps the route to 192.0.2.0/24 on eth0 on this machine (choose another: mgmt: {subnet: a.b.c.0/24})');
    expect(refuse('127.0.0.0/24')).toContain('overlaps the route to 127.0.0.0/8 on lo');
    expect(refuse('10.213.5.0/24')).toBe('accepted');
  });

  it("does not count the lab's own bridge, keeps a recorded subnet, and refuses to change it while up", () => {
    expect(chooseSubnet(topo('mgmt: {subnet: 10.213.110.0/24}\n'), '10.213.110.0/24', routes, 'zfrrrec-m').cidr).toBe('10.213.110.0/24');
    expect(chooseSubnet(topo(), '10.213.9.0/24', routes, 'zt1-m').cidr).toBe('10.213.9.0/24');
    expect(() => chooseSubnet(topo('mgmt: {subnet: 10.213.5.0/24}\n'), '10.213.9.0/24', routes, 'zt1-m')).toThrow('lab t1 is up with management subnet 10.213.9.0/24, the topology asks for 10.213.5.0/24');
  });

  it('picks the first free candidate from the hash of the name', () => {
    // a name whose first candidate is taken by the recorded lab
    const name = Array.from({ length: 2000 }, (_, i) => `t${i}`).find((n) => defaultSubnetCandidates(n)[0] === '10.213.110.0/24') as string;
    expect(name).toBeDefined();
    expect(chooseSubnet(parseTopology(`name: ${name}\nnodes: {n1: }\n`), undefined, routes, `z${name}-m`).cidr).toBe('10.213.111.0/24');
    expect(defaultSubnetCandidates('t1')).toHaveLength(256);
  });
});

describe('what up prints for a node', () => {
  it('is one line; three or more file writes or removals become a count', () => {
    expect(summarise(['started sshd'])).toBe('started sshd');
    expect(summarise(['wrote /etc/hostname', 'wrote /etc/hosts', 'reloaded sshd'])).toBe('wrote /etc/hostname, wrote /etc/hosts, reloaded sshd');
    expect(summarise(['mgmt0 up', 'removed /a', 'removed /b', 'removed /c', 'wrote /x', 'wrote /y', 'wrote /z', 'started sshd'])).toBe('mgmt0 up, started sshd, wrote 3 files, removed 3 files');
  });
});

describe('inventory and known_hosts', () => {
  const files = { keyFile: '/run/zonectl/labs/t1/id_ed25519', knownHostsFile: '/run/zonectl/labs/t1/known_hosts' };

  it('groups hosts by kind and groups, with the same variables in each, and ungrouped under all.hosts', () => {
    const text = inventoryYaml(
      't1',
      [
        { name: 'kvm01', address: '10.213.1.10', groups: ['hypervisor', 'cloudstack'], vars: { zone: 'z1' } },
        { name: 'rtr01', address: '10.213.1.11', groups: [], vars: {} },
      ],
      files,
    );
    expect(text.startsWith('# Inventory of lab t1')).toBe(true);
    const kvm = {
      zone: 'z1',
      address: '10.213.1.10',
      port: 22,
      user: 'root',
      identity_file: files.keyFile,
      known_hosts: files.knownHostsFile,
      ansible_host: '10.213.1.10',
      ansible_user: 'root',
      ansible_ssh_private_key_file: files.keyFile,
      ansible_ssh_common_args: `-o UserKnownHostsFile=${files.knownHostsFile} -o StrictHostKeyChecking=yes`,
    };
    const rtr = { ...kvm, address: '10.213.1.11', ansible_host: '10.213.1.11' } as Record<string, unknown>;
    delete rtr.zone;
    expect(yaml.load(text)).toEqual({
      all: {
        hosts: { rtr01: rtr },
        children: { hypervisor: { hosts: { kvm01: kvm } }, cloudstack: { hosts: { kvm01: kvm } } },
      },
    });
  });

  it('writes one ADDRESS TYPE KEY line per node from the public key files (comment dropped)', () => {
    expect(knownHostsText([{ address: '10.213.1.10', publicKey: 'ssh-ed25519 AAAAC3Nza kvm01@t1\n' }])).toBe('10.213.1.10 ssh-ed25519 AAAAC3Nza\n');
  });
});

describe('generated shell scripts', () => {
  const hostile = `it's "quoted" $HOME \`id\` \\ ;\n$(reboot)\n`;

  it('parse in bash and sh, with hostile file content', () => {
    const ensure = ensureScript({
      address: '10.213.1.10',
      prefixLength: 24,
      absent: ["/etc/ssh/with 'quote"],
      files: [{ path: '/etc/zonectl test', mode: '600', content: hostile }],
      services: [
        { name: 'openvswitch', daemons: [] },
        { name: 'frr', daemons: ['bgpd', 'bfdd'] },
        { name: 'nftables', daemons: [] },
      ],
    });
    expect(spawnSync('bash', ['-n'], { input: ensure }).status).toBe(0);
    const boot = bootScript({ root: "/tmp/a b/root", upper: '/tmp/u', work: '/tmp/w', home: "/tmp/it's", hostname: 'kvm01' });
    expect(spawnSync('sh', ['-n'], { input: boot }).status).toBe(0);
  });

  it('puts a file with exactly its content and mode, and reports a change only when it made one', () => {
    const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim();
    const target = `${dir}/file with space`;
    // only the put() helper and one file, run for real in a temp dir
    const script = ensureScript({ address: '10.0.0.1', prefixLength: 24, absent: [], files: [{ path: target, mode: '640', content: hostile }], services: [] });
    const helpers = script.slice(script.indexOf('changed() {'), script.indexOf('\n', script.indexOf('changed() {')) + 1);
    const put = script.slice(script.indexOf('put() {'), script.indexOf('\n}\n', script.indexOf('put() {')) + 3);
    const start = script.indexOf(`if put '${target}'`);
    const call = script.slice(start, script.indexOf('; fi\n', start) + 5);
    const putOnly = [helpers, put, call];
    const run = () => spawnSync('bash', ['-c', `set -eu\nsshd_dirty=0\n${putOnly.join('')}`]).stdout.toString();
    try {
      expect(run()).toBe(`changed: wrote ${target}\n`);
      expect(readFileSync(target, 'utf8')).toBe(hostile);
      expect((statSync(target).mode & 0o777).toString(8)).toBe('640');
      expect(run()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sshd listens only on the management address and takes keys only', () => {
    const config = sshdConfig('10.213.1.10');
    expect(config).toContain('ListenAddress 10.213.1.10:22\n');
    expect(config).toContain('PermitRootLogin prohibit-password\n');
    expect(config).toContain('PasswordAuthentication no\n');
    // sshd's own config test, where it can run: it needs its privilege separation directory
    // (made when the ssh service first starts; nodes make their own) and a host key (a throwaway one here)
    if (existsSync('/usr/sbin/sshd') && existsSync('/run/sshd')) {
      const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim();
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${dir}/k`]);
      writeFileSync(`${dir}/sshd_config`, config.replace(/^HostKey .*$/m, ''));
      const r = spawnSync('/usr/sbin/sshd', ['-t', '-f', `${dir}/sshd_config`, '-h', `${dir}/k`]);
      spawnSync('rm', ['-rf', dir]);
      expect(r.stderr.toString()).toBe('');
      expect(r.status).toBe(0);
    }
  });
});

describe.skipIf(!existsSync('/usr/bin/dpkg-query'))('preflight (dpkg on this machine)', () => {
  it('names the packages dpkg does not have', async () => {
    expect(await missingPackages(['coreutils', 'zonectl-no-such-package'])).toEqual(['zonectl-no-such-package']);
  });
});

describe('the lab commands', () => {
  async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      return { code: await main(args), stderr };
    } finally {
      spy.mockRestore();
    }
  }

  it('print a topology error as one line and exit 1, before touching the machine', async () => {
    const file = new URL('../fixtures/lab/errors.yml', import.meta.url).pathname;
    const r = await cli('lab', 'up', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${file}:3:29: unknown key 'bogus' (allowed: kind, groups, services, vars)\nerror: ${file}:5:29: a service is openvswitch, frr, nftables or {frr: {daemons: [bgpd, ...]}}\n`);
  });

  it('refuse a bad lab name for down and status', async () => {
    expect(await cli('lab', 'down', 'Bad_Name')).toEqual({ code: 1, stderr: "error: 'Bad_Name' is neither a lab name (1-8 characters a-z, 0-9 and -, starting with a letter) nor a topology file\n" });
    expect((await cli('lab', 'status', 'Bad_Name')).code).toBe(1);
  });

  it('render status with addresses, reachability and the inventory path', () => {
    const text = renderStatus([
      {
        name: 't1',
        subnet: '10.213.1.0/24',
        topologyFile: '/x/t.yml',
        stateDir: '/run/zonectl/labs/t1',
        inventoryFile: '/run/zonectl/labs/t1/inventory.yml',
        knownHostsFile: '/run/zonectl/labs/t1/known_hosts',
        keyFile: '/run/zonectl/labs/t1/id_ed25519',
        nodes: [
          { name: 'kvm01', address: '10.213.1.10', groups: ['hypervisor'], netns: 'zl.t1.kvm01', running: true, reachable: true },
          { name: 'sw1', address: '10.213.1.11', groups: [], netns: 'zl.t1.sw1', running: false, reachable: false },
        ],
      },
    ]);
    expect(text).toBe(
      [
        'lab t1  subnet 10.213.1.0/24  1/2 nodes reachable',
        '  inventory: /run/zonectl/labs/t1/inventory.yml',
        '  kvm01  10.213.1.10      reachable  [hypervisor]',
        '  sw1    10.213.1.11      not running',
        '',
      ].join('\n'),
    );
    expect(renderStatus([])).toBe('no labs are up on this machine\n');
  });
});
