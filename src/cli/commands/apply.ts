/**
 * `zonectl apply -i INV PLAYBOOK...`: check, apply, verify.
 * `zonectl apply FILE`: applies a saved plan exactly as reviewed; hosts whose
 * state changed since are refused as stale (nothing applied to them, exit 1)
 * while the others are applied.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../errors/index.ts';
import { PLANFILE_KIND, readPlanFile, savedExpectations } from '../../planfile/index.ts';
import { addPlaybookOptions, addRunOptions } from '../options.ts';
import type { RunCommandOptions } from '../run.ts';
import { addOutputOptions } from './check.ts';

export function registerApply(program: Command): void {
  const cmd = program
    .command('apply')
    .description('probe, apply only what differs, verify (exit 0 ok, 1 any failure); or apply a saved plan FILE')
    .argument('<playbooks...>', 'playbook files, or one plan file made by `zonectl plan -o FILE` (without -i)');
  addOutputOptions(addRunOptions(addPlaybookOptions(cmd))).action(async (args: string[], opts: RunCommandOptions) => {
    const { engineOptions, executeRun, exitCodeOf, loadSecrets, prepareRun } = await import('../run.ts');
    if (opts.inventory.length === 0 && args.length === 1) {
      const path = args[0] as string;
      if (/\.ya?ml$/.test(path)) {
        throw new UserError('no inventory given', undefined, 'give -i INVENTORY to run a playbook; `apply FILE` takes a plan made by zonectl plan -o FILE');
      }
      const file = readPlanFile(path);
      if (opts.limit || opts.tags || opts.skipTags || opts.extraVars.length > 0 || opts.rolesPath.length > 0) {
        throw new UserError('a saved plan is applied as reviewed', undefined, '--limit, --tags, --skip-tags, -e and --roles-path belong to zonectl plan');
      }
      const run = { plan: file.plan, secrets: loadSecrets(opts.secrets), hostVars: file.hostVars };
      const engine = { ...engineOptions('apply', opts, run), saved: savedExpectations(file) };
      process.exitCode = exitCodeOf(await executeRun(file.plan, engine, 'apply', opts));
      return;
    }
    const saved = args.find(isPlanFile);
    if (saved !== undefined) {
      throw new UserError(`${saved} is a saved plan, not a playbook`, undefined, `apply it alone, without -i: zonectl apply ${saved}`);
    }
    const run = await prepareRun(args, opts);
    process.exitCode = exitCodeOf(await executeRun(run.plan, engineOptions('apply', opts, run), 'apply', opts));
  });
}

/** Whether the file starts like a plan file (its kind is the first key zonectl writes). */
function isPlanFile(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, head.length, 0);
      return /^\{\s*"kind":\s*"/.test(head.subarray(0, n).toString('utf8')) && head.subarray(0, n).toString('utf8').includes(`"${PLANFILE_KIND}"`);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false; // unreadable: the playbook loader says why
  }
}
