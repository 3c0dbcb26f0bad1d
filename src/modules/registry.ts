/**
 * Every module zonectl knows, by the name a task uses.
 * One line per module folder; keep the list sorted.
 */
import type { ModuleDefinition } from './contract.ts';
// modules: imports (one per line, sorted)
import { addressModule } from './address/index.ts';
import { arpingModule } from './arping/index.ts';
import { bridgeModule } from './bridge/index.ts';
import { commandModule } from './command/index.ts';
import { fileModule } from './file/index.ts';
import { frrModule } from './frr/index.ts';
import { kernelModuleModule } from './kernel_module/index.ts';
import { linkModule } from './link/index.ts';
import { nftablesModule } from './nftables/index.ts';
import { ovsBridge } from './ovs_bridge/index.ts';
import { ovsFlows } from './ovs_flows/index.ts';
import { ovsPort } from './ovs_port/index.ts';
import { ovsTunnelMesh } from './ovs_tunnel_mesh/index.ts';
import { packageModule } from './package/index.ts';
import { propertiesModule } from './properties/index.ts';
import { routeModule } from './route/index.ts';
import { serviceModule } from './service/index.ts';
import { sysctlModule } from './sysctl/index.ts';
import { templateModule } from './template/index.ts';
import { vlanModule } from './vlan/index.ts';

const all: ModuleDefinition[] = [
  // modules: list (one per line, sorted)
  addressModule,
  arpingModule,
  bridgeModule,
  commandModule,
  fileModule,
  frrModule,
  kernelModuleModule,
  linkModule,
  nftablesModule,
  ovsBridge,
  ovsFlows,
  ovsPort,
  ovsTunnelMesh,
  packageModule,
  propertiesModule,
  routeModule,
  serviceModule,
  sysctlModule,
  templateModule,
  vlanModule,
];

export const modules: ReadonlyMap<string, ModuleDefinition> = new Map(all.map((m) => [m.name, m]));

export function findModule(name: string): ModuleDefinition | undefined {
  return modules.get(name);
}

export function moduleNames(): string[] {
  return [...modules.keys()].sort();
}
