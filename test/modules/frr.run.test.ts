/**
 * The frr probe run through the local /bin/sh exactly as the engine sends it
 * (test/modules/local-run.ts), against this machine's FRR 8.4.4 install. It
 * only reads (the desired file goes to a temporary directory it removes):
 * the password with shell metacharacters arrives as data, FRR's checker
 * judges the desired file, a file FRR rejects fails the dry run.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../src/modules/contract.ts';
import type { FrrState } from '../../src/modules/frr/parse.ts';
import type { FrrParams } from '../../src/modules/frr/schema.ts';
import { CTX, moduleNamed } from './fixture.ts';
import { runSh } from './local-run.ts';

const frr = moduleNamed<FrrParams>('frr');
const installed = existsSync('/usr/bin/vtysh') && existsSync('/etc/frr/daemons') && process.getuid?.() === 0;
const suite = installed || process.env.CI === 'true' ? describe : describe.skip;
const marker = join(tmpdir(), `zfrr${process.pid}`);
afterAll(() => rmSync(marker, { force: true }));

suite(`frr probe on this machine${installed ? '' : ' (skipped: needs root and FRR installed)'}`, () => {
  it('carries a password full of shell metacharacters as data; FRR accepts the file', () => {
    const password = `it's"$(touch\${IFS}${marker})\`touch\${IFS}${marker}\`;|&`;
    const params = frr.schema.parse({ bgp: { asn: 65001, neighbors: [{ address: '10.0.0.2', remote_as: 65002, password }] } });
    const before = readdirSync('/tmp').filter((f) => f.startsWith('zonectl-frr.'));
    const output = runSh(frr.probe(params, CTX));
    expect(existsSync(marker)).toBe(false);
    expect(output.stdout).toContain('@@frr check-exit 0');
    // The probe leaves no temporary directory behind.
    expect(readdirSync('/tmp').filter((f) => f.startsWith('zonectl-frr.'))).toEqual(before);
    const state = frr.parse(output, params, CTX) as FrrState;
    expect(state.conf?.kind).toBe('regular');
    const changes = frr.diff(params, state, CTX);
    expect(changes.map((c) => c.summary)).toContain('content of /etc/frr/frr.conf');
    // The new password is in the file diff only as <secret>.
    expect(JSON.stringify(changes)).not.toContain('touch');
  });

  it('a file FRR rejects fails the dry run with vtysh -C\'s words', () => {
    const params = frr.schema.parse({ config: 'router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n bgp no-such-option\nexit\n' });
    const output = runSh(frr.probe(params, CTX));
    expect(() => frr.parse(output, params, CTX)).toThrow(TaskError);
    expect(() => frr.parse(output, params, CTX)).toThrow(/^FRR rejects the new configuration \(vtysh -C -f, exit 2\): line 3: % Unknown command.*bgp no-such-option; nothing was installed$/);
  });
});
