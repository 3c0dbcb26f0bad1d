import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../src/compile/index.ts';
import type { CompiledPlay } from '../../src/plan/types.ts';
import { compileFixture } from './helpers.ts';

function play(result: ReturnType<typeof compileFixture>, host: string, index = 0): CompiledPlay {
  const p = result.plan.hosts[host]?.plays[index];
  if (!p) throw new Error(`no play ${index} for ${host}`);
  return p;
}

describe('compile: the zone fixture', () => {
  const result = compileFixture('zone');

  it('gives each host its plays, in inventory order, with connection and platform', () => {
    expect(Object.keys(result.plan.hosts)).toEqual(['kvm01', 'kvm02', 'r1']);
    expect(result.plan.hosts.kvm01?.connection).toEqual({ address: '10.1.0.11', port: 22, user: 'root', identity_file: null, known_hosts: null, jump: [], become: false });
    expect(result.plan.hosts.r1?.platform).toBe('linux');
    expect(result.plan.hosts.kvm01?.plays.map((p) => p.name)).toEqual(['hypervisors']);
    expect(result.plan.hosts.r1?.plays.map((p) => [p.index, p.name])).toEqual([[1, 'routers']]);
    expect(play(result, 'kvm01').serial).toBe(1);
    expect(play(result, 'kvm01').max_fail_percentage).toBeNull();
  });

  it('runs role tasks first, with role defaults and role vars, files and templates', () => {
    const [motd, agent, sysctl, properties] = play(result, 'kvm01').tasks;
    // toMatchObject for params: modules may add parameters with defaults
    expect(motd).toMatchObject({
      id: '1.1',
      name: 'motd',
      module: 'file',
      params: { path: '/etc/motd', state: 'present', owner: 'root', content: 'Welcome to the zone\n' },
      notify: [],
      tags: ['base'],
      source: 'roles/kvm_base/tasks/main.yml:1',
    });
    expect(motd?.params.src).toBeUndefined();
    expect(agent?.params.dest).toBe('/etc/cloudstack/agent/agent.properties');
    expect(agent?.params.content).toBe(
      '# managed by zonectl for kvm01 in z1\nprivate.network.device=cloudbr0\nguest.network.device=cloudbr1\npeer.0=10.1.0.11\npeer.1=10.1.0.12\n',
    );
    expect(agent?.notify).toEqual(['restart agent']);
    expect(sysctl?.params.set).toEqual({ 'net.bridge.bridge-nf-call-iptables': '1', 'net.core.netdev_max_backlog': '5000' });
    expect(properties?.id).toBe('1.6');
    expect(properties?.params.set).toEqual({ 'guest.network.device': 'cloudbr1', host: '10.1.0.11' });
  });

  it('host_vars win over group_vars', () => {
    expect(play(result, 'kvm02').tasks[2]?.params.set).toEqual({ 'net.bridge.bridge-nf-call-iptables': '1', 'net.core.netdev_max_backlog': '8000' });
    expect(play(result, 'kvm02').tasks[3]?.params.set).toEqual({ 'guest.network.device': 'cloudbr1', host: '10.1.0.12' });
  });

  it('skips on when and on never-tags, with the reason', () => {
    expect(play(result, 'kvm01').skipped).toEqual([
      { id: '1.4', name: 'forward on the router only', source: 'site.yml:16', reason: "when: 'routers' in group_names" },
      { id: '1.5', name: 'peer {{ item }}', source: 'site.yml:21', reason: "tagged 'never' (run it with --tags naming one of its tags)" },
    ]);
  });

  it('role handlers are the play handlers', () => {
    const handlers = play(result, 'kvm01').handlers;
    expect(handlers).toHaveLength(1);
    expect(handlers[0]).toMatchObject({ id: '1.h1', name: 'restart agent', module: 'command', params: { run: '/etc/init.d/cloudstack-agent restart' }, notify: [], tags: ['base'], source: 'roles/kvm_base/handlers/main.yml:1' });
  });

  it('warns about a play that matches no hosts, and lists every input read', () => {
    expect(result.warnings.map((w) => w.format())).toEqual(["site.yml:45:10: play 'nobody' matches no hosts"]);
    expect(result.plan.warnings).toEqual(["site.yml:45:10: play 'nobody' matches no hosts"]);
    expect(result.plan.inputs).toEqual([
      'inventory/hosts.yml',
      'inventory/group_vars/all.yml',
      'inventory/host_vars/kvm02.yml',
      'site.yml',
      'roles/kvm_base/defaults/main.yml',
      'roles/kvm_base/vars/main.yml',
      'roles/kvm_base/tasks/main.yml',
      'roles/kvm_base/handlers/main.yml',
      'roles/kvm_base/files/motd',
      'roles/kvm_base/templates/agent.properties.hbs',
    ]);
    expect(result.plan.formatVersion).toBe(1);
    expect(result.plan.tool.name).toBe('zonectl');
    expect(result.plan.inputHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('loops: one task per item, ids with [i], item in name and params, when per item', () => {
    const tagged = compileFixture('zone', { tags: ['debug'], limit: 'kvm01' });
    const p = play(tagged, 'kvm01');
    expect(p.tasks.map((t) => [t.id, t.name, t.params.run])).toEqual([['1.5[1]', 'peer kvm02', 'ping -c1 10.1.0.12']]);
    expect(p.skipped.find((s) => s.id === '1.5[0]')).toEqual({ id: '1.5[0]', name: 'peer kvm01', source: 'site.yml:21', reason: 'when: item != inventory_hostname' });
    expect(Object.keys(tagged.plan.hosts)).toEqual(['kvm01']);
  });

  it('tags: --tags keeps matching tasks (play, role and task tags), --skip-tags drops them', () => {
    const sysctlOnly = compileFixture('zone', { tags: ['sysctl'] });
    expect(play(sysctlOnly, 'kvm01').tasks.map((t) => t.id)).toEqual(['1.3']);
    expect(play(sysctlOnly, 'r1').tasks.map((t) => t.id)).toEqual(['2.1']);
    expect(play(sysctlOnly, 'kvm01').skipped.find((s) => s.id === '1.1')?.reason).toBe('not selected by --tags sysctl');
    const base = compileFixture('zone', { tags: ['base'] });
    expect(play(base, 'kvm01').tasks.map((t) => t.id)).toEqual(['1.1', '1.2']);
    const skipBase = compileFixture('zone', { skipTags: ['base'] });
    expect(play(skipBase, 'kvm01').tasks.map((t) => t.id)).toEqual(['1.3', '1.6']);
    expect(play(skipBase, 'kvm01').skipped.find((s) => s.id === '1.2')?.reason).toBe('skipped by --skip-tags base');
    // handlers are not filtered by tags
    expect(play(skipBase, 'kvm01').handlers.map((h) => h.id)).toEqual(['1.h1']);
  });

  it('-e wins and changes the input hash', () => {
    const extra = compileFixture('zone', { extraVars: { backlog: 1000 } });
    expect(play(extra, 'kvm02').tasks[2]?.params.set).toEqual({ 'net.bridge.bridge-nf-call-iptables': '1', 'net.core.netdev_max_backlog': '1000' });
    expect(extra.plan.inputHash).not.toBe(result.plan.inputHash);
  });

  it('is deterministic: the same inputs give the same bytes', () => {
    const again = compileFixture('zone');
    expect(JSON.stringify(again.plan)).toBe(JSON.stringify(result.plan));
  });

  it('renders a readable listing', () => {
    const text = renderPlanText(compileFixture('zone', { limit: 'r1' }).plan).split('\n');
    expect(text.slice(0, 2)).toEqual(['r1 (linux, root@10.1.0.1:22)', '  play 2: routers']);
    expect(text[2]).toMatch(/^ {4}2\.1 forwarding \[sysctl\] set=\{net\.ipv4\.ip_forward=1\} persist=true /);
    expect(text.slice(3)).toEqual(["warning: site.yml:45:10: play 'nobody' matches no hosts", '']);
    const kvm = renderPlanText(compileFixture('zone', { limit: 'kvm01' }).plan);
    expect(kvm).toMatch(/\n {4}1\.2 agent properties \[template\] src=agent\.properties\.hbs dest=\/etc\/cloudstack\/agent\/agent\.properties mode=0600 .*content=<5 lines, 133 bytes>.* -> notify 'restart agent'\n/);
    expect(kvm).toContain("    1.4 forward on the router only -- skipped: when: 'routers' in group_names\n");
    expect(kvm).toContain('    handlers:\n    1.h1 restart agent [command] run="/etc/init.d/cloudstack-agent restart"\n');
  });
});

describe('compile is independent of who runs it', () => {
  it('localUser sets the user of hosts whose inventory names none', () => {
    const { plan } = compileFixture('rolesearch', { inventory: ['inventory.yml'], playbooks: ['playbooks/site.yml'], rolesPath: ['extra-roles'], projectRoles: 'shipped', localUser: 'operator' });
    expect(plan.hosts.kvm01?.connection.user).toBe('operator');
  });
});
