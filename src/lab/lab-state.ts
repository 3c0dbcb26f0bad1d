/** Where a lab's files are, and what `lab up` hands back to callers. */
import { labStateDir } from './names.ts';

export interface LabNode {
  name: string;
  address: string;
  groups: string[];
  netns: string;
}

export interface LabState {
  name: string;
  stateDir: string;
  inventoryFile: string;
  knownHostsFile: string;
  keyFile: string;
  nodes: LabNode[];
  /** What this `up` changed, one line each; empty when the lab was already as described. */
  changes: string[];
}

export interface LabFilesPaths {
  stateDir: string;
  keyFile: string;
  knownHostsFile: string;
  inventoryFile: string;
  hostKeysDir: string;
  logsDir: string;
  /** The lab's tmpfs: each node's overlay upper, work and root directories. */
  nodesDir: string;
}

export function labFiles(lab: string): LabFilesPaths {
  const dir = labStateDir(lab);
  return {
    stateDir: dir,
    keyFile: `${dir}/id_ed25519`,
    knownHostsFile: `${dir}/known_hosts`,
    inventoryFile: `${dir}/inventory.yml`,
    hostKeysDir: `${dir}/hostkeys`,
    logsDir: `${dir}/logs`,
    nodesDir: `${dir}/nodes`,
  };
}
