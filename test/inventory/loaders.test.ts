/** Loading YAML and INI inventories, directories, group_vars/host_vars files and dirs, host lists. */
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/errors/index.ts';
import { loadInventory, type Inventory } from '../../src/inventory/index.ts';
import { userErrorLines } from './helpers.ts';

const ANSIBLE = 'test/fixtures/inventory/ansible';
const load = (...sources: string[]): Inventory => loadInventory(sources, { localUser: 'tester' });
const origin = (inv: Inventory, host: string, key: string): string => {
  const o = inv.hosts.get(host)?.origins[key];
  return o ? `${o.level} @ ${formatLocation(o.location)}` : 'none';
};

describe('YAML inventory', () => {
  const inv = load(`${ANSIBLE}/zone-yaml/hosts.yml`);
  const file = `${ANSIBLE}/zone-yaml/hosts.yml`;

  it('declares hosts in order, ranges expanded, each at its first declaration', () => {
    expect([...inv.hosts.keys()]).toEqual(['bastion.example.net', 'kvm01', 'kvm02', 'kvm03', 'kvm10', 'rtr-a', 'rtr-b', 'tora', 'torb']);
    expect(formatLocation(inv.hosts.get('kvm02')?.location)).toBe(`${file}:18:13`);
    expect(formatLocation(inv.hosts.get('rtr-a')?.location)).toBe(`${file}:26:13`);
  });

  it('puts a host in every group it is listed in, ancestors included, sorted by depth then name', () => {
    expect(inv.hosts.get('kvm01')?.groups).toEqual(['all', 'edge', 'zone1', 'hypervisors']);
    expect(inv.hosts.get('rtr-a')?.groups).toEqual(['all', 'edge', 'zone1', 'routers']);
    expect(inv.hosts.get('bastion.example.net')?.groups).toEqual(['all', 'ungrouped']);
  });

  it('merges a group that appears in several places', () => {
    const hypervisors = inv.groups.get('hypervisors');
    expect(hypervisors?.parents).toEqual(['zone1', 'edge']);
    expect(hypervisors?.vars).toMatchObject({ role: 'hypervisor', edge_uplink: 'bond0' });
    expect(inv.groups.get('edge')?.hosts).toEqual(['kvm01', 'kvm02', 'kvm03', 'kvm10', 'rtr-a']);
    expect(inv.groups.get('all')?.children).toEqual(['ungrouped', 'zone1', 'edge', 'switches']);
  });

  it('reads host:port as ansible_port, and YAML 1.1 scalars as Ansible does', () => {
    expect(inv.hosts.get('kvm10')?.vars.ansible_port).toBe(2222);
    expect(origin(inv, 'kvm10', 'ansible_port')).toBe(`host kvm10 @ ${file}:19:13`);
    expect(inv.hosts.get('rtr-a')?.vars.enabled).toBe(true);
    expect(inv.hosts.get('rtr-b')?.vars.mode).toBe(0o644);
  });

  it('reads group_vars files and directories (in name order) and host_vars files and directories', () => {
    expect(origin(inv, 'kvm01', 'bridge')).toBe(`group_vars/hypervisors/01-network.yml @ ${ANSIBLE}/zone-yaml/group_vars/hypervisors/01-network.yml:1:9`);
    expect(origin(inv, 'kvm01', 'agent_properties')).toBe(`group_vars/hypervisors/02-agent.yaml @ ${ANSIBLE}/zone-yaml/group_vars/hypervisors/02-agent.yaml:2:3`);
    expect(origin(inv, 'kvm01', 'role')).toBe(`host_vars/kvm01.yml @ ${ANSIBLE}/zone-yaml/host_vars/kvm01.yml:1:7`);
    expect(origin(inv, 'rtr-a', 'bgp_asn')).toBe(`host_vars/rtr-a/main.yml @ ${ANSIBLE}/zone-yaml/host_vars/rtr-a/main.yml:1:10`);
    expect(inv.files).toEqual([
      file,
      `${ANSIBLE}/zone-yaml/group_vars/all.yml`,
      `${ANSIBLE}/zone-yaml/group_vars/hypervisors/01-network.yml`,
      `${ANSIBLE}/zone-yaml/group_vars/hypervisors/02-agent.yaml`,
      `${ANSIBLE}/zone-yaml/group_vars/routers.yml`,
      `${ANSIBLE}/zone-yaml/host_vars/kvm01.yml`,
      `${ANSIBLE}/zone-yaml/host_vars/rtr-a/main.yml`,
    ]);
    expect(inv.warnings).toEqual([]);
  });
});

describe('INI inventory', () => {
  const file = `${ANSIBLE}/zone-ini/hosts`;
  const inv = load(file);

  it('reads sections, ranges, host:port, children and ungrouped hosts', () => {
    expect([...inv.hosts.keys()]).toEqual(['bastion', 'kvm01', 'kvm02', 'kvm03', 'rtr-a', 'rtr-b']);
    expect(inv.groups.get('ungrouped')?.hosts).toEqual(['bastion']);
    expect(inv.hosts.get('kvm01')?.groups).toEqual(['all', 'zone1', 'hypervisors']);
    expect(inv.groups.get('zone1')?.children).toEqual(['hypervisors', 'routers']);
    expect(inv.hosts.get('kvm03')?.vars.ansible_port).toBe(2222);
  });

  it('reads host-line values as Python literals after shell-like splitting', () => {
    const kvm03 = inv.hosts.get('kvm03')?.vars;
    expect(kvm03).toMatchObject({ ansible_become: true, rack: 3, tags: ['a', 'b'] });
    const rtrA = inv.hosts.get('rtr-a')?.vars;
    expect(rtrA).toMatchObject({ bgp_password: 's3cr#t', enabled: 'true', bgp_asn: 64512 });
    expect(inv.hosts.get('rtr-b')?.vars.label).toBe('two words');
  });

  it('reads [g:vars] values the way Ansible really does (literals, comments dropped after one)', () => {
    expect(inv.hosts.get('kvm01')?.vars).toMatchObject({ mtu: 9000, has_java: false, ntp_servers: ['10.0.0.1', '10.0.0.2'], greeting: 'hello world', zone_name: 'zone1' });
  });

  it('locates INI values at the value itself', () => {
    expect(origin(inv, 'kvm03', 'rack')).toBe(`host kvm03 @ ${file}:7:61`);
    expect(origin(inv, 'kvm01', 'mtu')).toBe(`group zone1 @ ${file}:20:5`);
    expect(origin(inv, 'kvm01', 'has_java')).toBe(`group zone1 @ ${file}:21:12`);
    expect(origin(inv, 'rtr-b', 'bgp_asn')).toBe(`host_vars/rtr-b @ ${ANSIBLE}/zone-ini/host_vars/rtr-b:2:10`);
    expect(origin(inv, 'kvm01', 'bridge')).toBe(`group_vars/hypervisors.yaml @ ${ANSIBLE}/zone-ini/group_vars/hypervisors.yaml:1:9`);
  });
});

describe('inventory directories and several -i', () => {
  it('reads every inventory file of a directory in name order and skips what Ansible skips', () => {
    const inv = load(`${ANSIBLE}/inventory-dir`);
    expect(inv.files.slice(0, 2)).toEqual([`${ANSIBLE}/inventory-dir/10-hypervisors.yml`, `${ANSIBLE}/inventory-dir/20-routers`]);
    expect(inv.files).not.toContain(`${ANSIBLE}/inventory-dir/README.md`);
    expect([...inv.hosts.keys()]).toEqual(['kvm1', 'kvm3', 'kvm5', 'rtr-a']);
    expect(inv.groups.get('zone')?.children).toEqual(['hypervisors', 'routers']);
    expect(inv.hosts.get('kvm3')?.vars.zone_name).toBe('zone9');
  });

  it('merges several -i sources; a later one adds to hosts and groups of an earlier one', () => {
    const inv = load(`${ANSIBLE}/zone-yaml/hosts.yml`, `${ANSIBLE}/inventory-dir`);
    expect(inv.hosts.get('rtr-a')?.groups).toEqual(['all', 'edge', 'zone', 'zone1', 'routers']);
    // group_vars of each source apply: zone.yml comes from inventory-dir/group_vars.
    expect(inv.hosts.get('rtr-a')?.vars.zone_name).toBe('zone9');
  });

  it('names vars files relative to their inventory, however the directory is written', () => {
    const inv = load(`./${ANSIBLE}/zone-yaml/`);
    expect(inv.hosts.get('kvm01')?.origins.role?.level).toBe('host_vars/kvm01.yml');
  });

  it('takes a comma-separated host list', () => {
    const inv = load('kvm01,kvm[02:03],');
    expect([...inv.hosts.keys()]).toEqual(['kvm01', 'kvm02', 'kvm03']);
    expect(inv.hosts.get('kvm02')?.groups).toEqual(['all', 'ungrouped']);
  });
});

describe('files on disk that are not fixtures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-inventory-loaders-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an inventory script instead of running or misreading it', () => {
    mkdirSync(join(dir, 'scripted'));
    writeFileSync(join(dir, 'scripted', 'ec2'), '#!/usr/bin/env python3\nprint("{}")\n');
    chmodSync(join(dir, 'scripted', 'ec2'), 0o755);
    const script = join(dir, 'scripted', 'ec2');
    expect(userErrorLines(() => load(join(dir, 'scripted')))).toEqual([`${script}:1:1: ${script} is an inventory script; dynamic inventories are not supported (write its output to a YAML inventory file)`]);
  });

  it('warns about a file in a directory that is no inventory, and about vars files nothing uses', () => {
    mkdirSync(join(dir, 'warn', 'group_vars'), { recursive: true });
    writeFileSync(join(dir, 'warn', 'hosts.yml'), 'kvm:\n  hosts:\n    kvm01:\n');
    writeFileSync(join(dir, 'warn', 'notes.conf'), 'whatever\n');
    writeFileSync(join(dir, 'warn', 'group_vars', 'kmv.yml'), 'x: 1\n');
    const inv = load(join(dir, 'warn'));
    expect(inv.warnings).toEqual([
      `skipped ${join(dir, 'warn', 'notes.conf')}: not an inventory file (inventory files end in .yml, .yaml, .json, .ini or have no extension)`,
      `${join(dir, 'warn', 'group_vars', 'kmv.yml')} matches no group in the inventory; it is not used`,
    ]);
  });

  it('warns about an empty inventory file and still loads the others', () => {
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'a.yml'), '# nothing yet\n');
    writeFileSync(join(dir, 'empty', 'b.ini'), '[kvm]\nkvm01\n');
    const inv = load(join(dir, 'empty'));
    expect(inv.warnings).toEqual([`${join(dir, 'empty', 'a.yml')}:1:1: inventory file is empty`]);
    expect([...inv.hosts.keys()]).toEqual(['kvm01']);
  });

  it('warns that a non-SSH ansible_connection is ignored, once per place it is written', () => {
    mkdirSync(join(dir, 'local'));
    writeFileSync(join(dir, 'local', 'hosts'), '[ctl]\nlocalhost ansible_connection=local\n[net]\nsw[1:2]\n[net:vars]\nansible_connection=network_cli\n');
    const inv = load(join(dir, 'local', 'hosts'));
    expect(inv.warnings).toEqual([
      `${join(dir, 'local', 'hosts')}:2:30: host localhost: ansible_connection local is ignored; zonectl connects over SSH`,
      `${join(dir, 'local', 'hosts')}:6:20: host sw1: ansible_connection network_cli is ignored; zonectl connects over SSH`,
    ]);
  });

  it('reads relative -i paths against the given cwd', () => {
    mkdirSync(join(dir, 'rel'));
    writeFileSync(join(dir, 'rel', 'hosts.ini'), '[kvm]\nkvm01\n');
    const inv = loadInventory(['hosts.ini'], { cwd: join(dir, 'rel'), localUser: 'tester' });
    expect(formatLocation(inv.hosts.get('kvm01')?.location)).toBe('hosts.ini:2:1');
  });
});
