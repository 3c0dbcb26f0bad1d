/**
 * `zonectl lab up|down|status|ssh`: thin wrappers over src/lab. Runtime
 * failures on this machine print one `error:` line (exit 1), like user errors.
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { isUserError } from '../../errors/index.ts';
import type { LabStatus } from '../../lab/index.ts';

/** The lab code, loaded when a lab command runs (other commands start without it). */
const labCode = () => import('../../lab/index.ts');

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Lab failures that are not the operator's input (a node that will not boot) print as one line too. */
async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (isUserError(error) || !(error instanceof Error) || !['TaskError', 'HostCommandError'].includes(error.name)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  }
}

export function renderStatus(labs: LabStatus[]): string {
  if (labs.length === 0) return 'no labs are up on this machine\n';
  const out: string[] = [];
  for (const lab of labs) {
    const up = lab.nodes.filter((n) => n.reachable).length;
    out.push(`lab ${lab.name}  subnet ${lab.subnet}  ${up}/${lab.nodes.length} nodes reachable`);
    out.push(`  inventory: ${lab.inventoryFile}`);
    const width = Math.max(4, ...lab.nodes.map((n) => n.name.length));
    for (const n of lab.nodes) {
      const state = n.reachable ? 'reachable' : n.running ? 'running, sshd not answering' : 'not running';
      out.push(`  ${n.name.padEnd(width)}  ${n.address.padEnd(15)}  ${state}${n.groups.length ? `  [${n.groups.join(', ')}]` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('a small zone of real virtual hosts on this machine, from a topology file (see docs/lab.md)')
    // so `lab ssh NODE ip -br a` passes -br to the node
    .enablePositionalOptions();

  lab
    .command('up')
    .description('build or repair the lab; running it again changes nothing')
    .argument('<topology>', 'topology file (YAML)')
    .option('--install', 'install missing Debian packages with apt-get')
    .action((topology: string, opts: { install?: boolean }) =>
      guarded(async () => {
        const { labUp } = await labCode();
        await labUp(topology, { install: opts.install === true, log });
      }),
    );

  lab
    .command('down')
    .description('remove every process, mount, namespace, link and file the lab made')
    .argument('<lab>', 'lab name or topology file')
    .action((name: string) => guarded(async () => (await labCode()).labDown(name, { log })));

  lab
    .command('status')
    .description('labs on this machine: nodes, addresses, reachable or not, inventory')
    .argument('[lab]', 'lab name (default: every lab)')
    .option('--json', 'machine-readable output')
    .action((name: string | undefined, opts: { json?: boolean }) =>
      guarded(async () => {
        const labs = await (await labCode()).labStatus(name);
        process.stdout.write(opts.json ? `${JSON.stringify(labs, null, 2)}\n` : renderStatus(labs));
      }),
    );

  lab
    .command('ssh')
    .description("a shell or a command on a node, with the lab's key and strict host key checking")
    .argument('<node>', 'node name')
    .argument('[command...]', 'command to run (default: a login shell)')
    .option('--lab <name>', 'the lab (default: the only one up)')
    .passThroughOptions()
    .allowUnknownOption()
    .action((node: string, words: string[], opts: { lab?: string }) =>
      guarded(async () => {
        // `lab ssh NODE -- CMD` and `lab ssh --lab L NODE -- CMD` both mean CMD
        const command = words[0] === '--' ? words.slice(1) : words;
        const { findNode, sshArgv } = await labCode();
        const argv = sshArgv(findNode(node, opts.lab), command, { tty: command.length === 0 && process.stdin.isTTY === true });
        const code = await new Promise<number>((resolve) => {
          const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'inherit' });
          child.on('error', () => resolve(255));
          child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
        });
        process.exitCode = code;
      }),
    );
}
