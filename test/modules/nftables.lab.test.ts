/**
 * nftables through the real CLI in the lab: real sshd in a namespace node,
 * zonectl check/apply over SSH, the default paths (/etc/nftables.d and the
 * node's own Debian /etc/nftables.conf, on the node's overlay root).
 *
 * 1. An owned table (`table ip ip4_firewall` from router.body.nft): create; a
 *    second run reports zero changes; a reformatted equivalent source reports
 *    zero changes; a rule deleted by hand is detected and restored; a syntax
 *    error fails the dry run with nft's message and the live table stays;
 *    libvirt-, Docker- and agent-like tables survive everything;
 *    `state: absent` removes it.
 * 2. roles/host-firewall: before it, a closed port answers with a reset;
 *    after it, that port is dropped, the agent's ports pass, SSH from the
 *    management network still works (zonectl's own next run), SSH and the
 *    agent's ports from another network (a second node over a data link) are
 *    dropped, and the answers to kvm01's own connections come back.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labSuite, startLab, stopLab, type LabState, sshOk } from '../support/lab.ts';
import { runZonectl, type CliRun } from '../support/cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'nftables');
const dir = mkdtempSync(join(tmpdir(), 'zc-h9-lab-'));
let lab: LabState | undefined;

type Run = CliRun;

const zonectl = (...args: string[]): Promise<Run> => runZonectl(args, { cwd: dir });

const on = (node: string, command: string): Promise<string> => sshOk(lab, node, command);

/** What a TCP connection attempt from the controller meets: a listener, a reset (closed, not filtered), or silence (dropped). */
function tcpFate(address: string, port: number): Promise<'open' | 'refused' | 'dropped'> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve('dropped');
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'dropped'));
  });
}

const OTHERS = `
table ip libvirt_network {
  chain guest_output { type filter hook forward priority 0; policy accept; ip saddr 192.168.122.0/24 iifname "virbr0" counter accept; }
}
table ip nat {
  chain POSTROUTING { type nat hook postrouting priority srcnat; policy accept; oifname != "docker0" ip saddr 172.17.0.0/16 counter masquerade; }
}
`;
const othersNow = (): Promise<string> => on('kvm01', 'nft -s list table ip libvirt_network; nft -s list table ip nat');

const TABLE_PLAY = `
- name: owned table
  hosts: kvm01
  tasks:
    - name: tenant firewall
      nftables:
        family: ip
        table: ip4_firewall
        src: "{{ body }}"
`;
const ABSENT_PLAY = `
- name: owned table gone
  hosts: kvm01
  tasks:
    - name: tenant firewall
      nftables:
        family: ip
        table: ip4_firewall
        state: absent
`;
const HOST_FIREWALL_PLAY = `
- name: hypervisor firewall
  hosts: kvm01
  roles:
    - role: host-firewall
`;

labSuite('nftables in the lab, through the CLI', () => {
  let inventory: string[] = [];
  let address = '';
  let othersBefore = '';

  beforeAll(async () => {
    lab = await startLab('h9f', { nodes: { kvm01: { kind: 'hypervisors' }, kvm02: { kind: 'hypervisors' } }, links: [['kvm01:eth1', 'kvm02:eth1']] });
    address = lab.nodes.find((n) => n.name === 'kvm01')?.address ?? '';
    mkdirSync(join(dir, 'templates'));
    copyFileSync(join(FIXTURES, 'router.body.nft'), join(dir, 'templates', 'router.nft'));
    copyFileSync(join(FIXTURES, 'router.reformatted.body.nft'), join(dir, 'templates', 'router-reformatted.nft'));
    writeFileSync(join(dir, 'templates', 'router-typo.nft'), readFileSync(join(FIXTURES, 'router.body.nft'), 'utf8').replace('ct state invalid drop', 'ct state invalid dorp'));
    writeFileSync(join(dir, 'table.yml'), TABLE_PLAY);
    writeFileSync(join(dir, 'absent.yml'), ABSENT_PLAY);
    writeFileSync(join(dir, 'host-firewall.yml'), HOST_FIREWALL_PLAY);
    inventory = ['-i', lab.inventoryFile, '--roles-path', join(ROOT, 'roles')];
    await on('kvm01', `printf '%s' '${OTHERS}' | nft -f -`);
    othersBefore = await othersNow();
  }, 300_000);

  afterAll(() => stopLab(lab, dir), 300_000);

  it('creates the owned table, persisted and included from the node’s /etc/nftables.conf; a second run is empty', async () => {
    const check = await zonectl('check', ...inventory, '-e', 'body=router.nft', 'table.yml');
    expect(check.stderr).toBe('');
    expect(check.code, check.stdout).toBe(2);
    expect(check.stdout).toContain('create table ip ip4_firewall (3 chains, 9 rules, 1 set)');
    expect(check.stdout).toContain('+\t\ttype filter hook forward priority filter; policy drop;');
    expect(check.stdout).toContain('add include "/etc/nftables.d/zonectl-*.nft" to /etc/nftables.conf');

    const apply = await zonectl('apply', ...inventory, '-e', 'body=router.nft', 'table.yml');
    expect(apply.stderr).toBe('');
    expect(apply.code, apply.stdout).toBe(0);
    expect(await on('kvm01', 'nft list tables')).toContain('table ip ip4_firewall');
    const conf = await on('kvm01', 'cat /etc/nftables.conf');
    expect(conf).toContain('flush ruleset'); // the operator's (Debian's) own lines stay
    expect(conf.trimEnd().split('\n').at(-1)).toBe('include "/etc/nftables.d/zonectl-*.nft"');
    expect(await on('kvm01', 'head -n 3 /etc/nftables.d/zonectl-ip-ip4_firewall.nft | tail -n 2')).toBe('table ip ip4_firewall {}\ndelete table ip ip4_firewall\n');
    expect(await othersNow()).toBe(othersBefore);

    const again = await zonectl('check', ...inventory, '-e', 'body=router.nft', 'table.yml');
    expect(again.code, again.stdout).toBe(0);
  });

  it('a reformatted but equivalent source reports zero changes', async () => {
    const run = await zonectl('check', ...inventory, '-e', 'body=router-reformatted.nft', 'table.yml');
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
  });

  it('a rule deleted by hand is detected and restored', async () => {
    const handle = /icmp type echo-request accept # handle (\d+)/.exec(await on('kvm01', 'nft -a list chain ip ip4_firewall fw_chain_ingress'))?.[1];
    await on('kvm01', `nft delete rule ip ip4_firewall fw_chain_ingress handle ${handle}`);
    const check = await zonectl('check', ...inventory, '-e', 'body=router.nft', 'table.yml');
    expect(check.code, check.stdout).toBe(2);
    expect(check.stdout).toContain('table ip ip4_firewall: chain fw_chain_ingress: 1 rule added');
    expect(check.stdout).toContain('+\t\tip daddr 10.1.1.0/24 icmp type echo-request accept');
    expect((await zonectl('apply', ...inventory, '-e', 'body=router.nft', 'table.yml')).code).toBe(0);
    expect(await on('kvm01', 'nft list chain ip ip4_firewall fw_chain_ingress')).toContain('icmp type echo-request accept');
    expect((await zonectl('check', ...inventory, '-e', 'body=router.nft', 'table.yml')).code).toBe(0);
  });

  it("a syntax error fails the dry run with nft's message; the live table stays", async () => {
    const before = await on('kvm01', 'nft -s list table ip ip4_firewall');
    const check = await zonectl('check', ...inventory, '-e', 'body=router-typo.nft', 'table.yml');
    expect(check.code).toBe(1);
    const out = check.stdout + check.stderr;
    expect(out).toContain('nft rejects the content of table ip ip4_firewall (nothing was changed)');
    expect(out).toContain('content:5:26-26: Error: syntax error, unexpected newline');
    const apply = await zonectl('apply', ...inventory, '-e', 'body=router-typo.nft', 'table.yml');
    expect(apply.code).toBe(1);
    expect(await on('kvm01', 'nft -s list table ip ip4_firewall')).toBe(before);
    expect(await othersNow()).toBe(othersBefore);
  });

  it('state: absent removes the table and its file; other tables survive', async () => {
    const apply = await zonectl('apply', ...inventory, 'absent.yml');
    expect(apply.code, apply.stdout).toBe(0);
    expect(apply.stdout).toContain('delete table ip ip4_firewall (3 chains, 9 rules, 1 set)');
    expect(await on('kvm01', 'nft list tables')).not.toContain('ip4_firewall');
    expect(await on('kvm01', 'ls /etc/nftables.d')).toBe('');
    expect(await othersNow()).toBe(othersBefore);
    expect((await zonectl('check', ...inventory, 'absent.yml')).code).toBe(0);
  });

  it('the host firewall drops what it should and lets SSH from the management network through', async () => {
    // A second node reaches kvm01 over a data link, from outside the management network.
    await on('kvm01', 'ip addr add 10.99.0.1/24 dev eth1 && ip link set eth1 up');
    await on('kvm02', 'ip addr add 10.99.0.2/24 dev eth1 && ip link set eth1 up');
    const fromKvm02 = (port: number) => on('kvm02', `timeout 3 bash -c 'echo > /dev/tcp/10.99.0.1/${port}' 2>/dev/null; echo $?`).then((s) => s.trim());
    // Before: nothing listens on 8080, so the kernel answers with a reset; the
    // lab's sshd listens on the management address only, so port 22 on the data
    // link resets too (bash exits 1): the packets reach kvm01's stack.
    expect(await tcpFate(address, 8080)).toBe('refused');
    expect(await fromKvm02(22)).toBe('1');

    const management = `${address.replace(/\.\d+$/, '.0')}/24`;
    const vars = ['-e', `{"host_firewall_management_networks": ["${management}"]}`];
    const apply = await zonectl('apply', ...inventory, ...vars, 'host-firewall.yml');
    expect(apply.stderr).toBe('');
    expect(apply.code, apply.stdout).toBe(0);
    expect(apply.stdout).toContain('create table inet zonectl_host (1 chain, 11 rules, 4 sets)');

    // SSH from the management network: zonectl's own next run connects and finds nothing to do.
    const again = await zonectl('check', ...inventory, ...vars, 'host-firewall.yml');
    expect(again.code, again.stdout).toBe(0);
    expect(await tcpFate(address, 22)).toBe('open');
    // An agent port passes the firewall (nothing listens: reset); any other port is dropped.
    expect(await tcpFate(address, 16509)).toBe('refused');
    expect(await tcpFate(address, 5999)).toBe('refused');
    expect(await tcpFate(address, 8080)).toBe('dropped');
    // From outside the management network: SSH and the agent's ports are dropped (no reset any more: timeout's 124).
    expect(await fromKvm02(22)).toBe('124');
    expect(await fromKvm02(16509)).toBe('124');
    // Stateful: kvm01's own connection out gets its answer back (kvm02's reset: bash exits 1, not a timeout).
    expect((await on('kvm01', `timeout 3 bash -c 'echo > /dev/tcp/10.99.0.2/9' 2>/dev/null; echo $?`)).trim()).toBe('1');
    expect(await othersNow()).toBe(othersBefore);
  });
});
