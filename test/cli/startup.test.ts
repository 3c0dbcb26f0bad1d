/**
 * Startup: the build (`npm run build`, one esbuild bundle) runs, finds
 * package.json and the shipped roles, and loads no dependency a command does
 * not use. Built in a scratch copy of the project so the shared dist/ that
 * other test runs may be launching is never removed under them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageJson, VERSION } from '../../src/version.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('version', () => {
  it('is package.json’s', () => {
    expect(VERSION).toBe(PACKAGE.version);
  });

  it('is found from any depth below the project, and not elsewhere', () => {
    expect(findPackageJson(join(ROOT, 'dist', 'cli'))).toBe(join(ROOT, 'package.json'));
    expect(findPackageJson(join(ROOT, 'src', 'cli', 'commands'))).toBe(join(ROOT, 'package.json'));
    // node_modules/tsx has a package.json too, but not zonectl's
    expect(findPackageJson(join(ROOT, 'node_modules', 'tsx', 'dist'))).toBe(join(ROOT, 'package.json'));
    expect(() => findPackageJson(tmpdir())).toThrow(/package\.json not found/);
  });
});

describe('the build', { timeout: 60_000 }, () => {
  let copy = '';
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'zonectl-build-'));
    copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    for (const dir of ['src', 'roles', 'node_modules', 'examples']) symlinkSync(join(ROOT, dir), join(copy, dir));
    mkdirSync(join(copy, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'zonectl.js'), join(copy, 'bin', 'zonectl.js'));
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: copy, stdio: ['ignore', 'ignore', 'pipe'] });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  const built = (...args: string[]) =>
    spawnSync(process.execPath, [join(copy, 'dist', 'cli', 'main.js'), ...args], { cwd: copy, encoding: 'utf8', env: { ...process.env, ZONECTL_DEBUG: '' } });

  it('prints package.json’s version, through the launcher too', () => {
    expect(built('--version')).toMatchObject({ status: 0, stdout: `${PACKAGE.version}\n` });
    const launched = spawnSync(process.execPath, [join(copy, 'bin', 'zonectl.js'), '--version'], { encoding: 'utf8' });
    expect(launched).toMatchObject({ status: 0, stdout: `${PACKAGE.version}\n` });
  });

  it('finds the shipped roles (they are located relative to the code)', () => {
    const run = built('validate', '-i', 'examples/cloudstack-zone/inventory.yml', 'examples/cloudstack-zone/site.yml');
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ status: 0, stdout: expect.stringMatching(/^valid: 1 playbook, \d+ hosts, \d+ tasks\n$/) as unknown });
  });

  it('loads only the dependencies a command uses', () => {
    // a module hook that names every package the program imports
    writeFileSync(join(copy, 'hook.mjs'), "export async function resolve(s, c, next) { if (!/^[.\\/]|^node:|^file:/.test(s)) process.stderr.write(`PACKAGE ${s}\\n`); return next(s, c); }\n");
    writeFileSync(join(copy, 'register.mjs'), "import { register } from 'node:module';\nregister('./hook.mjs', import.meta.url);\n");
    const packages = (...args: string[]): string[] => {
      const run = spawnSync(process.execPath, ['--import', join(copy, 'register.mjs'), join(copy, 'dist', 'cli', 'main.js'), ...args], { cwd: copy, encoding: 'utf8' });
      expect(run.status).toBe(0);
      return [...new Set([...run.stderr.matchAll(/^PACKAGE (\S+)$/gm)].map((m) => (m[1] as string).split('/')[0] as string))].sort();
    };
    expect(packages('--version')).toEqual(['commander']);
    const validate = packages('validate', '-i', 'examples/cloudstack-zone/inventory.yml', 'examples/cloudstack-zone/site.yml');
    expect(validate).not.toContain('ssh2');
    expect(validate).not.toContain('listr2');
  });
});
