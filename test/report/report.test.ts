/**
 * Rendering: only what changes, diffs indented, one line per failed host,
 * the recap, the JSON document; and no secret value in any of them, even
 * when a host echoes the secret back in its error output.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/engine/index.ts';
import type { RunOutcome } from '../../src/engine/types.ts';
import { toJsonReport } from '../../src/report/json.ts';
import { renderChanges, renderRecap } from '../../src/report/text.ts';
import { SecretStore } from '../../src/secrets/index.ts';
import { quote } from '../../src/shell/quote.ts';
import { findTestModule, play, planFor, task, TestConnector } from '../engine/support/local.ts';

const base = mkdtempSync(join(tmpdir(), 'zc-report-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const SECRET = 'pa$$-W0rd-xyzzy';

let runs = 0;
async function scenario(mode: 'check' | 'apply'): Promise<RunOutcome> {
  const roots: Record<string, string> = {};
  runs += 1;
  for (const h of ['kvm01', 'kvm02', 'kvm03', 'kvm04']) {
    roots[h] = join(base, `${runs}-${h}`);
    mkdirSync(roots[h], { recursive: true });
  }
  const secrets = new SecretStore({ ZONECTL_SECRET_BGP: SECRET });
  const connector = new TestConnector();
  connector.down.add('kvm03');
  const handlers = [task('test_action', { label: 'restart frr' }, { name: 'restart frr' })];
  const good = play(
    [
      task('test_file', { name: 'frr.conf', content: 'password @@secret(bgp)@@\n' }, { name: 'frr config', notify: ['restart frr'] }),
      task('test_file', { name: 'in-sync', content: '' }, { name: 'already fine' }),
    ],
    { handlers },
  );
  const leaky = play([task('test_shell', { script: "echo 'cannot use @@secret(bgp)@@' >&2; exit 3" }, { name: 'leaky' })]);
  const plan = planFor({ kvm01: [good], kvm02: [leaky], kvm03: [good], kvm04: [play([task('test_file', { name: 'f', content: '' })])] });
  // kvm04 and in-sync files exist already
  const { writeFileSync } = await import('node:fs');
  for (const r of Object.values(roots)) writeFileSync(join(r, 'in-sync'), '');
  writeFileSync(join(roots.kvm04 as string, 'f'), '');
  return runPlan(plan, {
    mode,
    connector,
    findModule: findTestModule,
    secrets,
    hostVars: (h) => ({ root: roots[h] }),
    lockFile: (h) => join(roots[h] as string, 'lock'),
  });
}

describe('text report', () => {
  it('check: prints only what would change, diffs indented, one line per simple failure, and the recap', async () => {
    const result = await scenario('check');
    const text = renderChanges(result);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('kvm01: 1 task would change');
    expect(text).toContain('  ~ frr config  [test_file] site.yml:');
    expect(text).toContain('      create frr.conf');
    expect(text).toContain('        +password <secret:bgp>');
    expect(text).toContain('  ! would run handler: restart frr');
    expect(text).not.toContain('already fine');
    expect(text).not.toContain('kvm04');
    expect(text).toMatch(/^kvm03: UNREACHABLE: connection refused by kvm03:22 \(is sshd running\?\)$/m);
    const verbose = renderChanges(result, { verbose: true });
    expect(verbose).toContain('  = already fine  [test_file]');
    expect(verbose).toContain('kvm04: in sync');
    const recap = renderRecap(result);
    expect(recap).toContain('PLAY RECAP');
    expect(recap).toMatch(/^kvm01\s+: ok=3\s+changed=2\s+unreachable=0\s+failed=0\s+skipped=0$/m);
    expect(recap).toMatch(/^kvm03\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0\s+skipped=0$/m);
    expect(recap).toMatch(/4 hosts \(.*\) in \d+\.\d\ds/);
  });

  it('apply: a host that echoes a secret in its error output has it redacted', async () => {
    const result = await scenario('apply');
    const text = renderChanges(result) + renderRecap(result);
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/^kvm02: FAILED: task "leaky" \(site\.yml:\d+\): its commands failed \(exit status 3\): cannot use <secret:bgp>$/m);
    expect(text).toContain('  ! ran handler: restart frr');
  });
});

describe('multi-line errors', () => {
  it('keep their lines: nft\'s `^` column marker stays under its column in text, newlines stay in --json', async () => {
    // Recorded nft output (see test/fixtures/report/README.md), printed by the step as nft would print it.
    const nft = readFileSync(join(import.meta.dirname, '../fixtures/report/nft-syntax-error.txt'), 'utf8');
    const root = join(base, 'multiline');
    mkdirSync(root, { recursive: true });
    const step = task('test_shell', { script: `printf %s ${quote(nft)} >&2; exit 1` }, { name: 'load rules' });
    const result = await runPlan(planFor({ fw01: [play([step])] }), {
      mode: 'apply',
      connector: new TestConnector(),
      findModule: findTestModule,
      secrets: new SecretStore({}),
      hostVars: () => ({ root }),
      lockFile: join(root, 'lock'),
    });
    const [first, source, marker] = nft.trimEnd().split('\n') as [string, string, string];
    const text = renderChanges(result);
    expect(text).toContain(`fw01: FAILED: task "load rules" (site.yml:`);
    expect(text).toContain(`: its commands failed (exit status 1): ${first}\n      ${source}\n      ${marker}\n`);
    expect(toJsonReport(result, 'apply').hosts.fw01?.error).toMatch(new RegExp(`\\n  ${source}\\n {24}\\^$`));
  });
});

describe('text report without hosts', () => {
  it('says no host matched rather than every host is in sync', () => {
    for (const mode of ['check', 'apply'] as const) {
      expect(renderChanges({ mode, hosts: [], elapsedSeconds: 0 })).toBe('no hosts: no play matched any host, nothing to do\n');
    }
  });
});

describe('JSON report', () => {
  it('has the documented shape and no secret value', async () => {
    const result = await scenario('apply');
    const doc = toJsonReport(result, 'apply');
    expect(JSON.stringify(doc)).not.toContain(SECRET);
    expect(doc.formatVersion).toBe(1);
    expect(doc.command).toBe('apply');
    expect(doc.hosts.kvm01?.status).toBe('changed');
    expect(doc.hosts.kvm01?.changes[0]).toMatchObject({ task: 'frr config', module: 'test_file', summary: 'create frr.conf', diff: '+password <secret:bgp>\n', applied: true });
    expect(doc.hosts.kvm01?.changes[1]).toMatchObject({ task: 'restart frr', handler: true, action: true });
    expect(doc.hosts.kvm02?.status).toBe('failed');
    expect(doc.hosts.kvm02?.error).toContain('<secret:bgp>');
    expect(doc.hosts.kvm03).toMatchObject({ status: 'unreachable', changes: [] });
    expect(doc.hosts.kvm04).toMatchObject({ status: 'ok', changes: [] });
    expect(doc.totals).toEqual({ ok: 4, changed: 2, failed: 1, unreachable: 1, skipped: 0 });
    expect(typeof doc.elapsedSeconds).toBe('number');
  });
});
