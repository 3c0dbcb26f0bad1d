/** `lab ssh`: OpenSSH's own client with the lab's key and known_hosts, strict host key checking. */
import { UserError } from '../errors/index.ts';
import { labFiles } from './lab-state.ts';
import { labNames, readRecord } from './state.ts';

export interface SshTarget {
  lab: string;
  node: string;
  address: string;
}

/** Finds a node by name in the given lab, or in the only lab that runs. */
export function findNode(node: string, lab?: string): SshTarget {
  const labs = lab !== undefined ? [lab] : labNames();
  if (labs.length === 0) throw new UserError('no labs are up on this machine', undefined, 'zonectl lab up TOPOLOGY.yml');
  if (labs.length > 1) throw new UserError(`several labs are up (${labs.join(', ')})`, undefined, 'name one with --lab NAME');
  const name = labs[0] as string;
  const record = readRecord(name);
  if (!record) throw new UserError(`no lab named ${name} on this machine`);
  const found = record.nodes.find((n) => n.name === node);
  if (!found) throw new UserError(`lab ${name} has no node ${node}`, undefined, `nodes: ${record.nodes.map((n) => n.name).join(', ')}`);
  return { lab: name, node, address: found.address };
}

/** The `ssh` argument vector (program first) for a command on a node; no command opens a shell. */
export function sshArgv(target: SshTarget, command: string[], options: { tty?: boolean } = {}): string[] {
  const files = labFiles(target.lab);
  return [
    'ssh',
    '-i', files.keyFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${files.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
    ...(options.tty ? ['-t'] : []),
    `root@${target.address}`,
    ...(command.length > 0 ? ['--', ...command] : []),
  ];
}
