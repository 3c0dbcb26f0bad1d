/** Loads a recorded OVS probe (see test/fixtures/ovs/record.ts for how each was recorded). */
import { readFileSync } from 'node:fs';
import type { ProbeOutput, RunContext } from '../../src/modules/contract.ts';

export function probeFixture(name: string): ProbeOutput {
  const data = JSON.parse(readFileSync(new URL(`../fixtures/ovs/${name}.json`, import.meta.url), 'utf8')) as ProbeOutput;
  return { stdout: data.stdout, stderr: data.stderr, exitCode: data.exitCode };
}

export const ctx: RunContext = { host: 'kvm01', platform: 'linux', managementAddress: '10.0.0.1', allowManagementChange: false, vars: {} };
