/**
 * modulesUsed: the modules a playbook names in its tasks, handlers and roles,
 * found before compiling; compiling with only those loaded gives the plan
 * that compiling with every module gives. Imports nothing that loads all.ts
 * before the comparison.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePlan, loadModulesUsed, modulesUsed } from '../../src/compile/index.ts';
import { moduleNames } from '../../src/modules/registry.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EX = join(ROOT, 'examples/cloudstack-zone');
const ZONE = { inventory: [join(EX, 'inventory.yml')], playbooks: [join(EX, 'site.yml')], cwd: ROOT, localUser: 'root' };
// By hand from site.yml and its roles (kvm-host, kvm-ovs, host-firewall, linux-router, router-firewall, frr-bgp).
const ZONE_MODULES = ['address', 'file', 'frr', 'kernel_module', 'nftables', 'ovs_bridge', 'ovs_port', 'ovs_tunnel_mesh', 'package', 'properties', 'route', 'service', 'sysctl', 'vlan'];

const tmp = mkdtempSync(join(tmpdir(), 'zonectl-modules-used-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('modulesUsed', () => {
  it('finds the modules of the plays, their roles and handlers, exactly', () => {
    expect([...modulesUsed(ZONE)].sort()).toEqual(ZONE_MODULES);
  });

  it('counts tasks the loader rejects and ignores errors; an unknown name is no module', () => {
    writeFileSync(join(tmp, 'bad.yml'), ['- hosts: all', '  tasks:', '    - name: two modules', '      arping: {}', '      link: {}', '    - sysclt: {}', '  handlers:', '    - name: h', '      bridge: {}', '      when: "((("', ''].join('\n'));
    expect([...modulesUsed({ playbooks: ['bad.yml', 'missing.yml'], cwd: tmp })].sort()).toEqual(['arping', 'bridge', 'link']);
  });

  it('compiling with only those loaded gives the plan every module gives', async () => {
    const modules = await loadModulesUsed(ZONE);
    expect(moduleNames()).toEqual(ZONE_MODULES);
    const lazy = compilePlan({ ...ZONE, ...modules });
    // did-you-mean still knows the modules not loaded
    expect(modules.moduleNames()).toContain('template');
    await import('../../src/modules/all.ts');
    const eager = compilePlan(ZONE);
    expect(JSON.stringify(lazy.plan)).toBe(JSON.stringify(eager.plan));
    expect(lazy.warnings.map((w) => w.format())).toEqual(eager.warnings.map((w) => w.format()));
  });
});
