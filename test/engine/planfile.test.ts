/**
 * Saved plans: written after a check, read back, applied exactly; refused
 * when the host drifted, when the file is corrupt or from another version;
 * no secret value anywhere in them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeOf, runPlan } from '../../src/engine/index.ts';
import type { EngineOptions } from '../../src/engine/types.ts';
import { buildPlanFile, readPlanFile, savedExpectations, writePlanFile } from '../../src/planfile/index.ts';
import { SecretStore } from '../../src/secrets/index.ts';
import { VERSION } from '../../src/version.ts';
import { findTestModule, play, planFor, task, TestConnector } from './support/local.ts';

const base = mkdtempSync(join(tmpdir(), 'zc-engine-planfile-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const SECRET = 'hunter2-Sup3r-s3cret';

function setup(name: string) {
  const roots: Record<string, string> = {};
  for (const h of ['kvm01', 'kvm02']) {
    roots[h] = join(base, `${name}-${h}`);
    mkdirSync(roots[h]);
  }
  const secrets = new SecretStore({});
  secrets.set('bgp_password', SECRET);
  const tasks = [
    task('test_file', { name: 'frr.conf', content: 'neighbor 10.0.0.1 password @@secret(bgp_password)@@\n' }),
    task('test_file', { name: 'plain', content: 'plain\n' }),
  ];
  const plan = planFor({ kvm01: [play(tasks)], kvm02: [play(tasks)] });
  const opts = (mode: 'check' | 'apply', extra: Partial<EngineOptions> = {}): EngineOptions => ({
    mode,
    connector: new TestConnector(),
    findModule: findTestModule,
    secrets,
    hostVars: (h) => ({ root: roots[h] }),
    lockFile: (h) => join(roots[h] as string, 'lock'),
    ...extra,
  });
  return { roots, secrets, plan, opts };
}

describe('plan files', () => {
  it('round-trips, applies the reviewed changes, and holds no secret value', async () => {
    const { roots, secrets, plan, opts } = setup('roundtrip');
    const check = await runPlan(plan, opts('check'));
    const file = buildPlanFile(plan, check, { kvm01: { root: roots.kvm01 }, kvm02: { root: roots.kvm02 } }, secrets);
    const path = join(base, 'roundtrip.plan.json');
    writePlanFile(path, file);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('@@secret(bgp_password)@@'); // the plan names the secret
    expect(text).toContain('<secret:bgp_password>'); // the predicted diff shows it redacted
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const loaded = readPlanFile(path);
    expect(loaded.hosts.kvm01?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const apply = await runPlan(loaded.plan, opts('apply', { saved: savedExpectations(loaded), hostVars: (h) => loaded.hostVars[h] ?? {} }));
    expect(exitCodeOf(apply)).toBe(0);
    // the host got the real value
    expect(readFileSync(join(roots.kvm01 as string, 'frr.conf'), 'utf8')).toBe(`neighbor 10.0.0.1 password ${SECRET}\n`);
  });

  it('a host changed since the plan was made is refused as stale; the others are applied', async () => {
    const { roots, secrets, plan, opts } = setup('stale');
    const check = await runPlan(plan, opts('check'));
    const file = buildPlanFile(plan, check, { kvm01: { root: roots.kvm01 }, kvm02: { root: roots.kvm02 } }, secrets);
    writeFileSync(join(roots.kvm02 as string, 'plain'), 'edited by hand\n');
    const apply = await runPlan(file.plan, opts('apply', { saved: savedExpectations(file) }));
    expect(apply.hosts[1]).toMatchObject({
      status: 'stale',
      error: 'plan is stale for kvm02: its state changed since the plan was made (re-run zonectl plan)',
    });
    expect(readFileSync(join(roots.kvm02 as string, 'plain'), 'utf8')).toBe('edited by hand\n');
    expect(apply.hosts[1]?.execCount).toBe(1);
    expect(apply.hosts[0]?.status).toBe('changed');
    expect(exitCodeOf(apply)).toBe(1);
  });

  it('a host that failed when the plan was made is refused', async () => {
    const { roots, secrets, plan, opts } = setup('failed');
    const connector = new TestConnector();
    connector.down.add('kvm02');
    const check = await runPlan(plan, opts('check', { connector }));
    const file = buildPlanFile(plan, check, { kvm01: { root: roots.kvm01 }, kvm02: { root: roots.kvm02 } }, secrets);
    const apply = await runPlan(file.plan, opts('apply', { saved: savedExpectations(file) }));
    expect(apply.hosts[1]?.status).toBe('stale');
    expect(apply.hosts[1]?.error).toContain('it was not probed when the plan was made');
  });

  it('never saves a secret value that slipped into the plan', async () => {
    const { roots, secrets, opts } = setup('leak');
    const plan = planFor({ kvm01: [play([task('test_file', { name: 'x', content: `literal ${SECRET}` })])] });
    const check = await runPlan(plan, opts('check'));
    expect(() => buildPlanFile(plan, check, { kvm01: { root: roots.kvm01 } }, secrets)).toThrow(/holds a secret value/);
    const vars = buildPlanFile(planFor({}), { ...check, hosts: [] }, { kvm01: { note: `x ${SECRET}`, ansible_password: 'pw', ok: '@@secret(bgp_password)@@' } }, secrets).hostVars;
    expect(vars.kvm01).toEqual({ note: 'x <secret:bgp_password>', ok: '@@secret(bgp_password)@@' });
  });
});

describe('plan files with several plays', () => {
  it('a later play of a host that an earlier play changed is applied when its changes are the reviewed ones', async () => {
    const { roots, secrets, opts } = setup('plays');
    const first = play([task('test_file', { name: 'one', content: '1' })]);
    const second = { ...play([task('test_file', { name: 'two', content: '2' })]), index: 1, name: 'second' };
    const plan = planFor({ kvm01: [first, second] });
    const check = await runPlan(plan, opts('check'));
    const file = buildPlanFile(plan, check, { kvm01: { root: roots.kvm01 } }, secrets);
    expect(file.hosts.kvm01?.plays.map((p) => Object.keys(p.changes).length)).toEqual([1, 1]);
    const apply = await runPlan(file.plan, opts('apply', { saved: savedExpectations(file) }));
    expect(apply.hosts[0]?.status).toBe('changed');
    expect(readFileSync(join(roots.kvm01 as string, 'two'), 'utf8')).toBe('2');
  });
});

describe('readPlanFile', () => {
  const write = (name: string, text: string): string => {
    const p = join(base, name);
    writeFileSync(p, text);
    return p;
  };
  it('refuses missing, corrupt, foreign, other-format and other-version files in one line', () => {
    expect(() => readPlanFile(join(base, 'nope.json'))).toThrow('no such plan file');
    expect(() => readPlanFile(write('corrupt.json', '{"kind": "zonectl-pl'))).toThrow('not valid JSON');
    expect(() => readPlanFile(write('foreign.json', '{"a": 1}'))).toThrow('not a zonectl plan file');
    expect(() => readPlanFile(write('format.json', '{"kind": "zonectl-plan", "formatVersion": 99}'))).toThrow('format 99 is not supported');
    const other = { kind: 'zonectl-plan', formatVersion: 1, tool: { name: 'zonectl', version: '0.0.1-old' } };
    expect(() => readPlanFile(write('version.json', JSON.stringify(other)))).toThrow(`made by zonectl 0.0.1-old, this is zonectl ${VERSION}`);
    const incomplete = { ...other, tool: { name: 'zonectl', version: VERSION } };
    expect(() => readPlanFile(write('incomplete.json', JSON.stringify(incomplete)))).toThrow('incomplete');
  });
});
