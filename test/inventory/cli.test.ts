/** `zonectl inventory` as an operator runs it: exit codes, text and JSON output, warnings, errors. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function zonectl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('./bin/zonectl.js', args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CLI = 'test/fixtures/inventory/cli/hosts.yml';

describe('zonectl inventory', () => {
  it('prints groups and hosts with merged variables and their origins, secrets redacted', () => {
    const r = zonectl('inventory', '-i', CLI);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  routers      hosts: rtr1\n');
    expect(r.stdout).toContain(`  rtr1  (${CLI}:4:5)\n    groups: all, routers\n    connection: `);
    expect(r.stdout).toContain(`      asn: 64512 `);
    expect(r.stdout).toMatch(new RegExp(`asn: 64512 +\\(group routers, ${CLI}:10:10\\)`));
    expect(r.stdout).toContain('bgp_password: "<secret:bgp.rtr1>"');
    expect(r.stdout).toContain('ansible_become_password: "<secret>"');
    expect(r.stdout).toContain('ansible_ssh_private_key_file: "/etc/zonectl/rtr.key"');
    expect(r.stdout).not.toContain('plain-text-in-inventory');
    expect(r.stdout).not.toContain('@@secret');
  });

  it('prints JSON with hosts and groups in the documented shape', () => {
    const r = zonectl('inventory', '-i', CLI, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      hosts: Record<string, { groups: string[]; vars: Record<string, unknown>; origins: Record<string, { level: string; location: string }>; connection: Record<string, unknown>; platform: string }>;
      groups: Record<string, { hosts: string[]; children: string[] }>;
    };
    expect(Object.keys(out.hosts)).toEqual(['rtr1', 'kvm01']);
    expect(out.hosts.rtr1?.groups).toEqual(['all', 'routers']);
    expect(out.hosts.rtr1?.vars.bgp_password).toBe('<secret:bgp.rtr1>');
    expect(out.hosts.rtr1?.vars.ansible_become_password).toBe('<secret>');
    expect(out.hosts.rtr1?.origins.asn).toEqual({ level: 'group routers', location: `${CLI}:10:10` });
    expect(Object.keys(out.hosts.rtr1?.connection ?? {})).toEqual(['address', 'port', 'user', 'identity_file', 'known_hosts', 'jump', 'become']);
    expect(out.hosts.rtr1?.connection).toMatchObject({ address: '192.0.2.1', port: 22, identity_file: '/etc/zonectl/rtr.key', jump: [], become: false });
    expect(out.hosts.rtr1?.platform).toBe('linux');
    expect(out.groups).toEqual({
      all: { hosts: ['rtr1', 'kvm01'], children: ['ungrouped', 'routers', 'hypervisors'] },
      ungrouped: { hosts: [], children: [] },
      routers: { hosts: ['rtr1'], children: [] },
      hypervisors: { hosts: ['kvm01'], children: [] },
    });
    expect(r.stdout).not.toContain('plain-text-in-inventory');
  });

  it('limits to a host pattern, listing only the groups of the hosts shown', () => {
    const r = zonectl('inventory', '-i', CLI, '--limit', 'all:!routers', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { hosts: Record<string, unknown>; groups: Record<string, { hosts: string[]; children: string[] }> };
    expect(Object.keys(out.hosts)).toEqual(['kvm01']);
    expect(out.groups).toEqual({ all: { hosts: ['kvm01'], children: ['hypervisors'] }, hypervisors: { hosts: ['kvm01'], children: [] } });
  });

  it('warns when --limit matches nothing, and prints an empty result', () => {
    const r = zonectl('inventory', '-i', CLI, '--limit', 'nothing*', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('warning: --limit "nothing*" matches no host\n');
    expect(JSON.parse(r.stdout)).toEqual({ hosts: {}, groups: {} });
  });

  it('exits 1 with one line per error and no stack trace', () => {
    const r = zonectl('inventory', '-i', 'test/fixtures/inventory/errors/cycle.yml', '-i', 'test/fixtures/inventory/errors/duplicate.yml');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: test/fixtures/inventory/errors/duplicate.yml:5:5: duplicate key "kvm01" (a key may appear only once in a mapping)\n');
    const missing = zonectl('inventory');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('error: no inventory given (use -i FILE or -i DIRECTORY)\n');
  });
});
