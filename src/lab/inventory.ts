/**
 * The files a playbook run needs: `inventory.yml` (zonectl's inventory format,
 * which Ansible reads unchanged) and `known_hosts`. Pure text builders.
 */
import yaml from 'js-yaml';

export interface InventoryNode {
  name: string;
  address: string;
  groups: string[];
  vars: Record<string, unknown>;
}

export interface LabFiles {
  keyFile: string;
  knownHostsFile: string;
}

/** Connection variables for one node, zonectl's and Ansible's spelling side by side. */
export function connectionVars(address: string, files: LabFiles): Record<string, unknown> {
  return {
    address,
    port: 22,
    user: 'root',
    identity_file: files.keyFile,
    known_hosts: files.knownHostsFile,
    ansible_host: address,
    ansible_user: 'root',
    ansible_ssh_private_key_file: files.keyFile,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${files.knownHostsFile} -o StrictHostKeyChecking=yes`,
  };
}

/**
 * `all: children: <group>: hosts: <node>: {...}`. A node in several groups is
 * written in each with the same variables (both loaders merge them); a node in
 * no group sits under `all: hosts:`.
 */
export function inventoryYaml(lab: string, nodes: InventoryNode[], files: LabFiles): string {
  const hostVars = (n: InventoryNode) => ({ ...n.vars, ...connectionVars(n.address, files) });
  const children: Record<string, { hosts: Record<string, unknown> }> = {};
  const ungrouped: Record<string, unknown> = {};
  for (const n of nodes) {
    if (n.groups.length === 0) ungrouped[n.name] = hostVars(n);
    for (const g of n.groups) (children[g] ??= { hosts: {} }).hosts[n.name] = hostVars(n);
  }
  const all: Record<string, unknown> = {};
  if (Object.keys(ungrouped).length > 0) all.hosts = ungrouped;
  if (Object.keys(children).length > 0) all.children = children;
  const header = `# Inventory of lab ${lab}, written by \`zonectl lab up\` (rewritten on every up; do not edit).\n`;
  return header + yaml.dump({ all }, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** One `ADDRESS TYPE KEY` line per node, from each node's public host key file text. */
export function knownHostsText(entries: { address: string; publicKey: string }[]): string {
  return entries
    .map((e) => {
      const [type, key] = e.publicKey.trim().split(/\s+/);
      return `${e.address} ${type} ${key}\n`;
    })
    .join('');
}
