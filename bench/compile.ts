/**
 * Compile benchmark: a generated inventory of `hosts` hosts (in racks, with
 * group and host variables) and a playbook of `tasks` templated tasks across
 * the core modules, compiled once in a temp dir. Target: 2000 × 40 in under
 * 2 s and under 500 MB. Run alone: `node --import tsx bench/compile.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePlan, type CompileOptions } from '../src/compile/index.ts';

function inventoryYaml(hosts: number): string {
  const racks = Math.max(1, Math.ceil(hosts / 40));
  const lines = ['all:', '  vars:', '    zone: bench', '    mgmt_net: 10.0.0.0/16', '    backlog: 5000', '  children:', '    hypervisors:', '      children:'];
  for (let r = 0; r < racks; r++) lines.push(`        rack${r}:`);
  for (let r = 0; r < racks; r++) {
    lines.push(`    rack${r}:`, '      vars:', `        rack_id: ${r}`, `        uplink: eth${r % 2}`, '      hosts:');
    for (let h = r * 40; h < Math.min(hosts, (r + 1) * 40); h++) {
      lines.push(`        kvm${String(h).padStart(4, '0')}:`, `          ansible_host: 10.0.${Math.floor(h / 250)}.${(h % 250) + 1}`, `          host_index: ${h + 1}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function playbookYaml(tasks: number): string {
  const kinds = [
    (i: number) => [`    - name: sysctl ${i}`, '      sysctl:', '        set:', `          net.core.somaxconn: "{{ add backlog ${i} }}"`, '          net.ipv4.ip_forward: 1'],
    (i: number) => [
      `    - name: properties ${i}`,
      '      properties:',
      `        path: /etc/bench/agent${i}.properties`,
      '        set:',
      '          host: "{{ cidr_host mgmt_net host_index }}"',
      '          zone: "{{ zone }}-{{ rack_id }}"',
      '          guest.network.device: "{{ uplink }}"',
      '      notify: restart agent',
    ],
    (i: number) => [`    - name: file ${i}`, '      file:', `        path: /etc/bench/motd${i}`, '        content: "{{ inventory_hostname }} in rack {{ rack_id }}\\n"', '        mode: "0644"'],
    (i: number) => [`    - name: command ${i}`, '      command:', `        run: "echo {{ inventory_hostname }} {{ ${i} }}"`, `        creates: /var/lib/bench/${i}`, '      when: rack_id >= 0'],
  ];
  const out = ['- name: bench', '  hosts: hypervisors', '  tasks:'];
  for (let i = 0; i < tasks; i++) out.push(...(kinds[i % kinds.length] as (i: number) => string[])(i));
  out.push('  handlers:', '    - name: restart agent', '      command: /etc/init.d/bench restart');
  return `${out.join('\n')}\n`;
}

/** `options` lets a profiling run swap parts (e.g. the module lookup). */
// async so callers can await it like the other benchmarks (which do I/O)
// eslint-disable-next-line @typescript-eslint/require-await
export async function benchCompile(hosts = 2000, tasks = 40, options: Partial<CompileOptions> = {}): Promise<{ seconds: number; peakRssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-bench-compile-'));
  try {
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'inventory', 'hosts.yml'), inventoryYaml(hosts));
    writeFileSync(join(dir, 'site.yml'), playbookYaml(tasks));
    const start = process.hrtime.bigint();
    const { plan } = compilePlan({ cwd: dir, inventory: ['inventory'], playbooks: ['site.yml'], ...options });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const compiled = Object.values(plan.hosts).reduce((n, h) => n + h.plays.reduce((m, p) => m + p.tasks.length, 0), 0);
    if (compiled !== hosts * tasks) throw new Error(`bench compiled ${compiled} tasks, expected ${hosts * tasks}`);
    return { seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const hosts = Number(process.argv[2] ?? 2000);
  const tasks = Number(process.argv[3] ?? 40);
  const cpu = process.cpuUsage();
  const { seconds, peakRssMb } = await benchCompile(hosts, tasks);
  // CPU time too: on a shared machine the wall clock mostly measures the other processes.
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(
    `compile: ${hosts} hosts x ${tasks} tasks in ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} s CPU), peak RSS ${peakRssMb.toFixed(0)} MB (target < 2 s, < 500 MB)\n`,
  );
}
