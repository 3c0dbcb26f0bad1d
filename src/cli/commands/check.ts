/**
 * `zonectl check`: the diff-only dry run. Exit 0 in sync, 2 changes pending,
 * 1 any failure. The work is in ../run.ts, loaded when the command runs.
 */
import type { Command } from 'commander';
import { addPlaybookOptions, addRunOptions } from '../options.ts';
import type { RunCommandOptions } from '../run.ts';

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document (schema: docs/engine.md)')
    .option('-v, --verbose', 'also list the tasks that are in sync');
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description('dry run: probe every host and print only what would change (exit 0 in sync, 2 changes pending, 1 failure)')
    .argument('<playbooks...>', 'playbook files');
  addOutputOptions(addRunOptions(addPlaybookOptions(cmd))).action(async (playbooks: string[], opts: RunCommandOptions) => {
    const { engineOptions, executeRun, exitCodeOf, prepareRun } = await import('../run.ts');
    const run = await prepareRun(playbooks, opts);
    const result = await executeRun(run.plan, engineOptions('check', opts, run), 'check', opts);
    process.exitCode = exitCodeOf(result);
  });
}
