/**
 * The built CLI loads only the modules a run's playbooks use (each module
 * folder is a chunk of the esbuild bundle): validate and check name the
 * chunks they load through a module hook. A typo in a module name still gets
 * the located error with its suggestion on the run path. Built in a scratch
 * copy, as test/cli/startup.test.ts does, so the shared dist/ is untouched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULE_NAMES } from '../../src/modules/registry.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'playbooks');

describe('the build loads only the modules a run uses', { timeout: 60_000 }, () => {
  let copy = '';
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'zonectl-lazy-'));
    copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    for (const dir of ['src', 'roles', 'node_modules']) symlinkSync(join(ROOT, dir), join(copy, dir));
    mkdirSync(join(copy, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'zonectl.js'), join(copy, 'bin', 'zonectl.js'));
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: copy, stdio: ['ignore', 'ignore', 'pipe'] });
    // a module hook that names every file of the bundle the program loads
    writeFileSync(join(copy, 'hook.mjs'), "export async function resolve(s, c, next) { const r = await next(s, c); const m = /\\/dist\\/cli\\/([^/]+)$/.exec(r.url); if (m) process.stderr.write(`LOADED ${m[1]}\\n`); return r; }\n");
    writeFileSync(join(copy, 'register.mjs'), "import { register } from 'node:module';\nregister('./hook.mjs', import.meta.url);\n");
    // a host nothing listens on: check compiles, loads the modules, then finds the host unreachable
    writeFileSync(join(copy, 'inventory.yml'), 'all:\n  hosts:\n    h1: {address: 127.0.0.1, port: 1}\n');
    writeFileSync(join(copy, 'site.yml'), '- hosts: all\n  tasks:\n    - name: a file\n      file: {path: /tmp/x, state: absent}\n  handlers:\n    - name: h\n      sysctl: {name: net.ipv4.ip_forward, value: 1}\n');
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  const run = (cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', join(copy, 'register.mjs'), join(copy, 'dist', 'cli', 'main.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ZONECTL_DEBUG: '' } });
  // module chunks are named after their folder: file-HASH.js
  const modulesLoaded = (stderr: string): string[] =>
    [...stderr.matchAll(/^LOADED (\w+)-[A-Z0-9]+\.js$/gm)].map((m) => m[1] as string).filter((name) => MODULE_NAMES.includes(name)).sort();

  it('validate: the modules of the tasks and handlers, no other', () => {
    const r = run(copy, 'validate', '-i', 'inventory.yml', 'site.yml');
    expect(r.stdout).toBe('valid: 1 playbook, 1 host, 1 task\n');
    expect(modulesLoaded(r.stderr)).toEqual(['file', 'sysctl']);
  });

  it('check: the same, on the path that runs against hosts', () => {
    const r = run(copy, 'check', '--json', '-i', 'inventory.yml', 'site.yml', '--connect-timeout', '5');
    expect(r.status).not.toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ hosts: { h1: { status: 'unreachable' } } });
    expect(modulesLoaded(r.stderr)).toEqual(['file', 'sysctl']);
  });

  it('check: an unknown module is the located error with its suggestion, and nothing connects', () => {
    const r = run(join(FIXTURES, 'errors'), 'check', '-i', 'inventory.yml', 'unknown-module.yml');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.replace(/^LOADED .*\n/gm, '')).toBe("error: unknown-module.yml:4:7: unknown module 'sysclt' (did you mean 'sysctl'?)\n");
    expect(r.stderr).not.toMatch(/^LOADED ssh-/m);
    expect(modulesLoaded(r.stderr)).toEqual([]);
  });
});
