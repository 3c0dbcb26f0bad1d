import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/zonectl.js', import.meta.url));

function zonectl(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: join(FIXTURES, dir), encoding: 'utf8', env: { ...process.env, ZONECTL_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

// Each test starts zonectl (and tsx); on a busy machine that takes seconds.
const SLOW = { timeout: 60_000 };

describe('zonectl validate', SLOW, () => {
  it('exit 0 and a summary when valid; warnings on stderr', () => {
    const run = zonectl('zone', 'validate', '-i', 'inventory', 'site.yml');
    expect(run).toEqual({ code: 0, stdout: 'valid: 1 playbook, 3 hosts, 9 tasks\n', stderr: "warning: site.yml:45:10: play 'nobody' matches no hosts\n" });
  });

  it('exit 1 with every error, one line each, no stack trace', () => {
    const run = zonectl('errors', 'validate', '-i', 'inventory.yml', 'notify.yml', 'unknown-module.yml', 'nohosts.yml');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        "warning: nohosts.yml:2:10: play 'switches' matches no hosts",
        "error: notify.yml:5:15: notify: no handler named 'restart agnet' in this play (did you mean 'restart agent'?)",
        "error: unknown-module.yml:4:7: unknown module 'sysclt' (did you mean 'sysctl'?)",
        '',
      ].join('\n'),
    );
  });

  it('bad -e is one error line', () => {
    const run = zonectl('zone', 'validate', '-i', 'inventory', '-e', 'oops', 'site.yml');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: -e "oops": expected key=value (key=value, @file.yml, or a mapping like {"mtu": 9000})\n');
  });

  it('an empty --limit is refused, not read as every host', () => {
    for (const limit of ['', ' ', ':']) {
      const run = zonectl('zone', 'compile', '-i', 'inventory', '--limit', limit, 'site.yml');
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`--limit needs a host pattern, not ${JSON.stringify(limit)} (an empty limit would reach every host)`);
    }
  });

  it('--help', () => {
    const run = zonectl('zone', 'validate', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: zonectl validate [options] <playbooks...>');
    expect(run.stdout).toContain('--skip-tags <tags>');
  });
});

describe('zonectl compile', SLOW, () => {
  it('prints the readable listing, honouring --limit, --tags and -e', () => {
    const run = zonectl('zone', 'compile', '-i', 'inventory', 'site.yml', '--limit', 'kvm02', '--tags', 'sysctl', '-e', 'backlog=7000');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([
      'kvm02 (linux, root@10.1.0.12:22)',
      '  play 1: hypervisors [serial 1]',
      '    1.1 motd -- skipped: not selected by --tags sysctl',
      '    1.2 agent properties -- skipped: not selected by --tags sysctl',
    ]);
    expect(run.stdout).toContain('    1.3 bridge sysctls [sysctl] set={net.bridge.bridge-nf-call-iptables=1, net.core.netdev_max_backlog=7000} ');
  });

  it('--json prints the plan; the same inputs give the same bytes', () => {
    const first = zonectl('zone', 'compile', '-i', 'inventory', 'site.yml', '--json');
    const second = zonectl('zone', 'compile', '-i', 'inventory', 'site.yml', '--json');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    const plan = JSON.parse(first.stdout) as { formatVersion: number; hosts: Record<string, unknown>; warnings: string[] };
    expect(plan.formatVersion).toBe(1);
    expect(Object.keys(plan.hosts)).toEqual(['kvm01', 'kvm02', 'r1']);
    expect(plan.warnings).toEqual(["site.yml:45:10: play 'nobody' matches no hosts"]);
  });

  it('exit 1 on errors', () => {
    const run = zonectl('errors', 'compile', '-i', 'inventory.yml', 'loop.yml');
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'error: loop.yml:5:13: loop: expected a list, got 9000 on host kvm01 (e.g. loop: "{{ groups.hypervisors }}" or a YAML list)\n' });
  });
});

describe('output to a reader that goes away', SLOW, () => {
  it('zonectl inventory --json | head: ends quietly, no stack trace', async () => {
    // enough hosts that the output is far bigger than a pipe buffer
    const inventory = `all:\n  hosts:\n${Array.from({ length: 3000 }, (_, i) => `    h${i}:\n`).join('')}`;
    const dir = mkdtempSync(join(tmpdir(), 'zc-compile-cli-pipe-'));
    try {
      writeFileSync(join(dir, 'hosts.yml'), inventory);
      const child = spawn(process.execPath, [BIN, 'inventory', '-i', join(dir, 'hosts.yml'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZONECTL_DEBUG: '' } });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.toContain('EPIPE');
      expect(stderr).not.toContain('    at ');
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

