/**
 * `zonectl validate -i INV PLAYBOOK...`: compiles everything and reports every
 * error (exit 1) or says it is valid (exit 0). Warnings do not fail it.
 */
import type { Command } from 'commander';
import { addPlaybookOptions, type PlaybookOptions } from '../options.ts';
import { compileFromOptions } from './compile.ts';

export function registerValidate(program: Command): void {
  const cmd = program
    .command('validate')
    .description('check inventory, playbooks, roles, templates and module parameters; print every error')
    .argument('<playbooks...>', 'playbook files');
  addPlaybookOptions(cmd).action(async (playbooks: string[], options: PlaybookOptions) => {
    const { plan } = await compileFromOptions(playbooks, options);
    const hosts = Object.values(plan.hosts);
    const tasks = hosts.reduce((n, h) => n + h.plays.reduce((m, p) => m + p.tasks.length, 0), 0);
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    process.stdout.write(`valid: ${plural(playbooks.length, 'playbook')}, ${plural(hosts.length, 'host')}, ${plural(tasks, 'task')}\n`);
  });
}
