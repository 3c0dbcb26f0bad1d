/**
 * Every module zonectl knows, by the name a task uses, each loaded on first
 * use: a run whose playbooks use two modules does not build the schemas,
 * renderers and docs of twenty (the build makes each folder a chunk of its
 * own). One line per module folder; keep the list sorted.
 *
 * findModule, moduleNames and modules see the modules loaded so far; code
 * that wants them all without awaiting imports ./all.ts instead.
 */
import type { ModuleDefinition } from './contract.ts';

const loaders = new Map<string, () => Promise<ModuleDefinition>>([
  // modules: list (one per line, sorted)
  ['address', () => import('./address/index.ts').then((m) => m.addressModule)],
  ['arping', () => import('./arping/index.ts').then((m) => m.arpingModule)],
  ['bridge', () => import('./bridge/index.ts').then((m) => m.bridgeModule)],
  ['command', () => import('./command/index.ts').then((m) => m.commandModule)],
  ['file', () => import('./file/index.ts').then((m) => m.fileModule)],
  ['frr', () => import('./frr/index.ts').then((m) => m.frrModule)],
  ['kernel_module', () => import('./kernel_module/index.ts').then((m) => m.kernelModuleModule)],
  ['link', () => import('./link/index.ts').then((m) => m.linkModule)],
  ['nftables', () => import('./nftables/index.ts').then((m) => m.nftablesModule)],
  ['ovs_bridge', () => import('./ovs_bridge/index.ts').then((m) => m.ovsBridge)],
  ['ovs_flows', () => import('./ovs_flows/index.ts').then((m) => m.ovsFlows)],
  ['ovs_port', () => import('./ovs_port/index.ts').then((m) => m.ovsPort)],
  ['ovs_tunnel_mesh', () => import('./ovs_tunnel_mesh/index.ts').then((m) => m.ovsTunnelMesh)],
  ['package', () => import('./package/index.ts').then((m) => m.packageModule)],
  ['properties', () => import('./properties/index.ts').then((m) => m.propertiesModule)],
  ['route', () => import('./route/index.ts').then((m) => m.routeModule)],
  ['service', () => import('./service/index.ts').then((m) => m.serviceModule)],
  ['sysctl', () => import('./sysctl/index.ts').then((m) => m.sysctlModule)],
  ['template', () => import('./template/index.ts').then((m) => m.templateModule)],
  ['vlan', () => import('./vlan/index.ts').then((m) => m.vlanModule)],
]);

/** Every module name, sorted; known without loading any module. */
export const MODULE_NAMES: readonly string[] = Object.freeze([...loaders.keys()].sort());

export function isModuleName(name: string): boolean {
  return loaders.has(name);
}

const loaded = new Map<string, ModuleDefinition>();
const loading = new Map<string, Promise<ModuleDefinition>>();

/** Loads the modules named (all of them when none are given); names that are no module are ignored. */
export async function loadModules(names: Iterable<string> = MODULE_NAMES): Promise<void> {
  const wanted = [...new Set(names)].filter(isModuleName).sort();
  const definitions = await Promise.all(
    wanted.map((name) => {
      let promise = loading.get(name);
      if (!promise) {
        promise = (loaders.get(name) as () => Promise<ModuleDefinition>)();
        loading.set(name, promise);
      }
      return promise;
    }),
  );
  // Added in name order, so that loading everything gives the map in the order of the list.
  definitions.forEach((definition, i) => loaded.set(wanted[i] as string, definition));
}

/** The modules loaded so far, by name. */
export const modules: ReadonlyMap<string, ModuleDefinition> = loaded;

export function findModule(name: string): ModuleDefinition | undefined {
  return loaded.get(name);
}

/** Names of the modules loaded so far, sorted (MODULE_NAMES has them all). */
export function moduleNames(): string[] {
  return [...loaded.keys()].sort();
}
