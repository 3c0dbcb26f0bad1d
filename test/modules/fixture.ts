/**
 * Loads a recorded probe fixture (test/fixtures/modules/<module>/<case>.json,
 * written by test/fixtures/modules/record.ts) and validates its params with
 * the module's own schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Change, ModuleDefinition, ProbeOutput, RunContext } from '../../src/modules/contract.ts';
import { findModule } from '../../src/modules/registry.ts';

export const CTX: RunContext = { host: 'test', platform: 'linux', managementAddress: '192.0.2.1', allowManagementChange: false, vars: {} };

export interface Fixture<P> {
  module: ModuleDefinition<P, unknown>;
  params: P;
  output: ProbeOutput;
}

export function moduleNamed<P = unknown>(name: string): ModuleDefinition<P, unknown> {
  const module = findModule(name);
  if (!module) throw new Error(`module ${name} is not registered`);
  return module as ModuleDefinition<P, unknown>;
}

export function loadFixture<P = unknown>(module: string, name: string): Fixture<P> {
  const file = join(import.meta.dirname, '..', 'fixtures', 'modules', module, `${name}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { params: unknown; output: ProbeOutput };
  const definition = moduleNamed<P>(module);
  return { module: definition, params: definition.schema.parse(data.params), output: data.output };
}

/** parse → diff of a fixture, as the engine does it. */
export function diffOf<P>(f: Fixture<P>): Change[] {
  const state: unknown = f.module.parse(f.output, f.params, CTX);
  return f.module.diff(f.params, state, CTX);
}

export const summaries = (changes: readonly { summary: string }[]): string[] => changes.map((c) => c.summary);
