/**
 * Saved plans compare a fingerprint of each host's probe output, so the frr
 * probe of an unchanged router must print the same bytes every time. On a
 * lab router running FRR 8.4.4 (bgpd), each case is probed twice more than a
 * second apart over the lab's SSH: a file FRR accepts (vtysh -C, then
 * frr-reload.py --test), one it rejects, and an empty one, which
 * frr-reload.py refuses with a log line that carried a timestamp and the
 * probe's mktemp path. Needs a machine that can run labs; under CI=true it
 * never skips.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import { RELOAD_TOOL } from '../../src/modules/frr/probe.ts';
import type { FrrParams } from '../../src/modules/frr/schema.ts';
import { quote } from '../../src/shell/quote.ts';
import { labSuite, sshRun, startLab, stopLab, type LabState } from '../support/lab.ts';
import { CTX, moduleNamed } from './fixture.ts';

const frr = moduleNamed<FrrParams>('frr');
const SLOW = 240_000;

labSuite('the frr probe of an unchanged router', () => {
  let lab: LabState | undefined;
  const run = async (command: string) => {
    const r = await sshRun(lab as LabState, 'r1', command);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
  };

  beforeAll(async () => {
    lab = await startLab('frps', { nodes: { r1: { kind: 'router', services: [{ frr: { daemons: ['bgpd'] } }] } } });
  }, SLOW);
  afterAll(() => stopLab(lab), SLOW);

  const twice = async (params: FrrParams) => {
    const probe = frr.probe(params, CTX);
    const first = await run(probe);
    await run('sleep 1.2');
    const second = await run(probe);
    expect(second).toEqual(first);
    return first;
  };

  it('prints the same output twice for a file FRR accepts', async () => {
    const out = await twice(frr.schema.parse({ config: 'frr defaults traditional\nrouter bgp 65001\n neighbor 10.99.0.2 remote-as 65002\nexit\n' }));
    expect(out.stdout).toMatch(/^@@frr reload-exit 0$/m);
    expect(out.stdout).toContain(' neighbor 10.99.0.2 remote-as 65002');
  }, SLOW);

  it('prints the same output twice for a file vtysh -C rejects', async () => {
    const params = frr.schema.parse({ config: 'router bgp 65001\n bogus-command\nexit\n' });
    const out = await twice(params);
    expect(() => frr.parse(out, params, CTX)).toThrow(/^FRR rejects the new configuration \(vtysh -C -f, exit 2\): line 2: % Unknown command.*bogus-command; nothing was installed$/);
  }, SLOW);

  it('prints the same output twice when frr-reload.py fails: no timestamp, no temporary path, no colour codes', async () => {
    // Guard: frr-reload.py's own error line does carry a timestamp.
    const raw = await run(`${quote(RELOAD_TOOL)} --test /nonexistent-zonectl-frps.conf`);
    expect(raw.stderr).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ .*ERROR.*: Filename \/nonexistent-zonectl-frps\.conf does not exist$/m);
    const params = frr.schema.parse({ config: '' });
    const out = await twice(params);
    expect(() => frr.parse(out, params, CTX)).toThrow(TaskError);
    expect(() => frr.parse(out, params, CTX)).toThrow(/^frr-reload\.py --test failed \(exit 1\): ERROR: Filename frr\.conf is an empty file\b/);
  }, SLOW);
});
