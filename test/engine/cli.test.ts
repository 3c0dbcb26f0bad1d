/**
 * The commands' edges that need no host: invalid input is one line and exit
 * 1 before anything connects; a bad plan file is one line and exit 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-engine-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stderr = '';
let stdout = '';
beforeEach(() => {
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('zonectl check/plan/apply without hosts', () => {
  it('invalid input: one located line, exit 1, nothing connects', async () => {
    // an unreachable address: if anything tried to connect, the test would see a connection error instead
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    kvm01: {address: 192.0.2.1}\n');
    writeFileSync(join(dir, 'bad.yml'), '- name: p\n  hosts: all\n  tasks:\n    - name: t\n      no_such_module: {}\n');
    const code = await main(['check', '-i', join(dir, 'inv.yml'), join(dir, 'bad.yml')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*bad\.yml:\d+:\d+: /m);
    expect(stderr).not.toContain('    at ');
    expect(stdout).toBe('');
  });

  it('apply FILE: a corrupt or missing plan file is one line, exit 1', async () => {
    writeFileSync(join(dir, 'broken.plan.json'), '{"kind": "zonectl-plan", "formatVers');
    expect(await main(['apply', join(dir, 'broken.plan.json')])).toBe(1);
    expect(stderr).toBe(`error: ${join(dir, 'broken.plan.json')}:1:1: not a zonectl plan file: it is not valid JSON (corrupt or truncated?) (make it with zonectl plan -o FILE)\n`);
    stderr = '';
    expect(await main(['apply', join(dir, 'missing.json')])).toBe(1);
    expect(stderr).toContain('no such plan file');
  });

  it('apply -i INV FILE: a saved plan given as a playbook says how to apply it', async () => {
    writeFileSync(join(dir, 'inv2.yml'), 'all:\n  hosts:\n    kvm01: {address: 192.0.2.1}\n');
    writeFileSync(join(dir, 'saved.plan.json'), '{\n  "kind": "zonectl-plan",\n  "formatVersion": 1\n}\n');
    expect(await main(['apply', '-i', join(dir, 'inv2.yml'), join(dir, 'saved.plan.json')])).toBe(1);
    const file = join(dir, 'saved.plan.json');
    expect(stderr).toBe(`error: ${file} is a saved plan, not a playbook (apply it alone, without -i: zonectl apply ${file})\n`);
    expect(stdout).toBe('');
  });

  it('a secrets file that is not valid YAML is one line that never quotes its values', async () => {
    writeFileSync(join(dir, 'inv3.yml'), 'all:\n  hosts:\n    kvm01: {address: 192.0.2.1}\n');
    writeFileSync(join(dir, 'ok.yml'), '- hosts: all\n  tasks:\n    - name: t\n      command: "true"\n');
    writeFileSync(join(dir, 'secrets.yml'), 'bgp_pw: TopSecret-123\n  other: Another-Secret-9\n');
    expect(await main(['check', '-i', join(dir, 'inv3.yml'), join(dir, 'ok.yml'), '--secrets', join(dir, 'secrets.yml')])).toBe(1);
    expect(stderr).toBe(`error: ${join(dir, 'secrets.yml')}:2:8: cannot read secrets file: invalid YAML: bad indentation of a mapping entry\n`);
    expect(stdout).toBe('');
  });

  it('plan -o: a place the plan cannot be written is refused before any host is probed', async () => {
    // an unreachable address: probing would show a connection error instead
    writeFileSync(join(dir, 'inv4.yml'), 'all:\n  hosts:\n    kvm01: {address: 192.0.2.1}\n');
    writeFileSync(join(dir, 'ok4.yml'), '- hosts: all\n  tasks:\n    - name: t\n      command: "true"\n');
    const plan = (out: string): Promise<number> => main(['plan', '-i', join(dir, 'inv4.yml'), join(dir, 'ok4.yml'), '-o', out]);
    expect(await plan('')).toBe(1);
    expect(stderr).toBe('error: -o needs a file name (e.g. -o change-42.plan.json)\n');
    stderr = '';
    expect(await plan(dir)).toBe(1);
    expect(stderr).toBe(`error: ${dir}:1:1: cannot write the plan file: it is a directory (give a file name, e.g. DIR/change-42.plan.json)\n`);
    stderr = '';
    expect(await plan(join(dir, 'nope', 'x.json'))).toBe(1);
    expect(stderr).toBe(`error: ${join(dir, 'nope', 'x.json')}:1:1: cannot write the plan file: directory ${join(dir, 'nope')} does not exist\n`);
    expect(stdout).toBe('');
  });

  it('apply with a playbook but no inventory says what is missing', async () => {
    expect(await main(['apply', 'site.yml'])).toBe(1);
    expect(stderr).toContain('no inventory given');
  });
});
