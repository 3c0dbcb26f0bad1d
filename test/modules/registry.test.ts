/**
 * The registry knows every module folder by name without loading any, loads
 * only the modules asked for, and ./all.ts gives them all without awaiting.
 * Imports nothing that loads all.ts: the first test sees the lazy state.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findModule, isModuleName, loadModules, MODULE_NAMES, moduleNames, modules } from '../../src/modules/registry.ts';

const MODULES_DIR = join(import.meta.dirname, '..', '..', 'src', 'modules');
const FOLDERS = readdirSync(MODULES_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(MODULES_DIR, e.name, 'index.ts')))
  .map((e) => e.name)
  .sort();

describe('module registry', () => {
  it('names every module folder, sorted, before loading any', () => {
    expect(FOLDERS.length).toBeGreaterThanOrEqual(20);
    expect(MODULE_NAMES).toEqual(FOLDERS);
    for (const name of FOLDERS) expect(isModuleName(name)).toBe(true);
    for (const name of ['nope', 'sysclt', 'constructor', 'toString', '__proto__', '']) expect(isModuleName(name)).toBe(false);
    expect(moduleNames()).toEqual([]);
    expect(findModule('file')).toBeUndefined();
  });

  it('loads only the modules named, ignoring names that are no module', async () => {
    await loadModules(['sysctl', 'file', 'nope', 'file']);
    expect(moduleNames()).toEqual(['file', 'sysctl']);
    expect(findModule('file')?.name).toBe('file');
    expect(findModule('frr')).toBeUndefined();
    expect(findModule('nope')).toBeUndefined();
  });

  it('loads every module by its folder name when no names are given', async () => {
    await loadModules();
    expect(moduleNames()).toEqual(FOLDERS);
    expect([...modules.keys()].sort()).toEqual(FOLDERS);
    // each loader picks the definition whose name is its own
    for (const name of FOLDERS) expect(findModule(name)?.name).toBe(name);
  });

  it('all.ts: every module, without awaiting', async () => {
    const all = await import('../../src/modules/all.ts');
    expect(all.moduleNames()).toEqual(FOLDERS);
    for (const name of FOLDERS) expect(all.findModule(name)?.name).toBe(name);
  });
});
