/** `lab status`: what labs run on this machine and whether their nodes answer. */
import { existsSync } from 'node:fs';
import { UserError } from '../errors/index.ts';
import { labFiles } from './lab-state.ts';
import { LAB_NAME, LAB_NAME_RULE } from './names.ts';
import { nodeInit } from './node.ts';
import { sshdAnswers } from './reachable.ts';
import { labNames, readRecord } from './state.ts';

export interface NodeStatus {
  name: string;
  address: string;
  groups: string[];
  netns: string;
  /** The node's init runs. */
  running: boolean;
  /** Its sshd answered on the management address. */
  reachable: boolean;
}

export interface LabStatus {
  name: string;
  subnet: string;
  topologyFile: string;
  stateDir: string;
  inventoryFile: string;
  knownHostsFile: string;
  keyFile: string;
  nodes: NodeStatus[];
}

/** One lab's status, or every lab's when no name is given. */
export async function labStatus(name?: string): Promise<LabStatus[]> {
  if (name !== undefined && !LAB_NAME.test(name)) throw new UserError(`bad lab name '${name}' (${LAB_NAME_RULE})`);
  const names = name === undefined ? labNames() : [name];
  const result: LabStatus[] = [];
  for (const lab of names) {
    const record = readRecord(lab);
    if (!record) {
      if (name !== undefined) throw new UserError(`no lab named ${lab} on this machine`, undefined, labNames().length ? `labs: ${labNames().join(', ')}` : 'no labs are up');
      continue;
    }
    const files = labFiles(lab);
    const nodes = await Promise.all(
      record.nodes.map(async (n) => {
        const running = existsSync(`/run/netns/${n.netns}`) && nodeInit(n.netns) !== undefined;
        return { name: n.name, address: n.address, groups: n.groups, netns: n.netns, running, reachable: running && (await sshdAnswers(n.address, 1500)) };
      }),
    );
    result.push({ name: lab, subnet: record.subnet, topologyFile: record.topologyFile, stateDir: files.stateDir, inventoryFile: files.inventoryFile, knownHostsFile: files.knownHostsFile, keyFile: files.keyFile, nodes });
  }
  return result;
}
