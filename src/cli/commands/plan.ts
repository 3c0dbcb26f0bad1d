/**
 * `zonectl plan -o FILE`: the dry run, saved for review and a later
 * `zonectl apply FILE`. Same output and exit codes as check.
 */
import type { Command } from 'commander';
import { assertPlanFileWritable, buildPlanFile, writePlanFile } from '../../planfile/index.ts';
import { addPlaybookOptions, addRunOptions } from '../options.ts';
import type { RunCommandOptions } from '../run.ts';
import { addOutputOptions } from './check.ts';

export function registerPlan(program: Command): void {
  const cmd = program
    .command('plan')
    .description('dry run that saves the plan for review and `zonectl apply FILE` (exit codes as check)')
    .argument('<playbooks...>', 'playbook files')
    .requiredOption('-o, --out <file>', 'where to write the plan (JSON; no secret values)');
  addOutputOptions(addRunOptions(addPlaybookOptions(cmd))).action(async (playbooks: string[], opts: RunCommandOptions & { out: string }) => {
    assertPlanFileWritable(opts.out);
    const { engineOptions, executeRun, exitCodeOf, prepareRun } = await import('../run.ts');
    const run = await prepareRun(playbooks, opts);
    const result = await executeRun(run.plan, engineOptions('check', opts, run), 'plan', opts);
    writePlanFile(opts.out, buildPlanFile(run.plan, result, run.hostVars, run.secrets));
    if (!opts.json) process.stdout.write(`plan saved to ${opts.out}\n`);
    process.exitCode = exitCodeOf(result);
  });
}
