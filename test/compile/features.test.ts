import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compilePlan } from '../../src/compile/index.ts';
import { compileFixture, FIXTURES } from './helpers.ts';

describe('variables, loops, magic variables, listen', () => {
  const { plan } = compileFixture('features', { inventory: ['inventory.yml'], extraVars: { target: 'r1' } });
  const play = plan.hosts.r1?.plays[0];

  it('the hosts pattern may use -e variables', () => {
    expect(Object.keys(plan.hosts)).toEqual(['r1']);
  });

  it('loops over a list from a variable, hostvars of another host resolve in that host', () => {
    expect(play?.tasks[0]).toMatchObject({ id: '1.1[1]', name: 'neighbor r2', params: { run: 'echo 10.255.0.2 as 65002' }, notify: ['bgp reloader'] });
    expect(play?.skipped).toEqual([{ id: '1.1[0]', name: 'neighbor r1', source: 'site.yml:10', reason: 'when: item != inventory_hostname' }]);
  });

  it('magic variables', () => {
    expect(play?.tasks[1]?.params.run).toBe(`echo r1 in routers from ${join(FIXTURES, 'features')}`);
  });

  it('variables referring to variables keep native types until a schema says otherwise', () => {
    expect(play?.tasks[2]?.params.set).toEqual({ asn: '65001', router_id: '10.255.0.1', peer_count: '1' });
  });

  it('a handler answers to its listen topic', () => {
    expect(play?.handlers).toHaveLength(1);
    expect(play?.handlers[0]).toMatchObject({ id: '1.h1', name: 'bgp reloader', module: 'command', params: { run: 'echo reload 65001' }, notify: [], tags: [], source: 'site.yml:22' });
  });

  it('the same playbook for r2', () => {
    const other = compileFixture('features', { inventory: ['inventory.yml'], extraVars: { target: 'r2' } });
    expect(other.plan.hosts.r2?.plays[0]?.tasks[0]).toMatchObject({ id: '1.1[0]', params: { run: 'echo 10.255.0.1 as 65001' } });
  });

  it('an empty loop is listed as skipped', () => {
    expect(plan.hosts.r1?.plays[1]).toMatchObject({ name: 'empty loop', tasks: [], skipped: [{ id: '2.1', name: 'never {{ item }}', source: 'site.yml:31', reason: 'loop: no items' }] });
  });
});

describe('an empty playbook', () => {
  it('compiles with a warning that says there is nothing to do', () => {
    const result = compileFixture('features', { inventory: ['inventory.yml'], playbooks: ['empty.yml', 'empty-list.yml'] });
    expect(result.plan.hosts).toEqual({});
    expect(result.warnings.map((w) => w.format())).toEqual(['empty.yml:1:1: the playbook is empty: nothing to do', 'empty-list.yml:1:1: the playbook is empty: nothing to do']);
  });
});

describe('an inventory without hosts', () => {
  it('is a warning, besides the plays that match nothing', () => {
    const result = compileFixture('features', { inventory: ['empty-inventory.yml'], extraVars: { target: 'r1' } });
    expect(result.plan.hosts).toEqual({});
    expect(result.warnings.map((w) => w.format())[0]).toBe('the inventory has no hosts (empty-inventory.yml)');
  });
});

describe('module platforms', () => {
  it('a module that cannot drive a host platform is a compile error at the module, naming the hosts', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'zc-compile-platform-'));
    try {
      writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    kvm01:\n    tor1: {platform: cumulus}\n');
      writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  tasks:\n    - name: forward\n      sysctl: {name: net.ipv4.ip_forward, value: 1}\n');
      expect(() => compilePlan({ inventory: ['inventory.yml'], playbooks: ['site.yml'], cwd: dir })).toThrow(
        "site.yml:4:7: module sysctl does not drive platform cumulus on host tor1 (it drives linux; leave such hosts out of the play's hosts:)",
      );
      // --limit to the linux host compiles
      expect(Object.keys(compilePlan({ inventory: ['inventory.yml'], playbooks: ['site.yml'], cwd: dir, limit: 'kvm01' }).plan.hosts)).toEqual(['kvm01']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
