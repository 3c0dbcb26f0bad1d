/**
 * Which modules the playbooks use, known before compiling, so that the
 * commands load only those (loading a module builds its schemas and more).
 */
import { ErrorCollector, isUserError } from '../errors/index.ts';
import { findModule, isModuleName, loadModules, MODULE_NAMES } from '../modules/registry.ts';
import { loadPlaybooks } from '../playbook/load.ts';
import { RoleLoader } from '../playbook/roles.ts';
import { SourceFiles } from '../playbook/sources.ts';
import type { CompileOptions } from './index.ts';

/**
 * Every module name the playbooks' plays, roles, tasks and handlers name.
 * Errors are left to compilePlan, which reports them with the same input.
 */
type PlaybookInputs = Pick<CompileOptions, 'playbooks' | 'rolesPath' | 'cwd' | 'projectRoles'>;

export function modulesUsed(options: PlaybookInputs): Set<string> {
  const sources = new SourceFiles(options.cwd ?? process.cwd());
  const projectRoles = options.projectRoles === undefined ? undefined : sources.resolve(options.projectRoles);
  const roles = new RoleLoader(sources, (options.rolesPath ?? []).map((d) => sources.resolve(d)), projectRoles);
  const used = new Set<string>();
  // Noted as the parser asks rather than read from the plays it returns: a
  // task it rejects (two modules, a bad when) still counts, so that compile
  // sees the same modules and gives the same message as with all loaded.
  const isModule = (name: string): boolean => {
    const known = isModuleName(name);
    if (known) used.add(name);
    return known;
  };
  try {
    loadPlaybooks(options.playbooks, { sources, errors: new ErrorCollector(), roles, modules: { isModule, names: () => [...MODULE_NAMES] } });
  } catch (error) {
    if (!isUserError(error)) throw error;
  }
  return used;
}

/**
 * Loads the modules the playbooks use; gives compilePlan the loaded ones and
 * every name (so that "did you mean" still knows the modules not loaded).
 */
export async function loadModulesUsed(options: PlaybookInputs): Promise<Required<Pick<CompileOptions, 'findModule' | 'moduleNames'>>> {
  await loadModules(modulesUsed(options));
  return { findModule, moduleNames: () => [...MODULE_NAMES] };
}
