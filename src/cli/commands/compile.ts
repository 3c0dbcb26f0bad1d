/**
 * `zonectl compile -i INV PLAYBOOK...`: the plan each host would get, offline.
 * A readable listing by default, the JSON plan with --json.
 */
import type { Command } from 'commander';
import type { CompileResult } from '../../compile/index.ts';
import type { UserError } from '../../errors/index.ts';
import { addPlaybookOptions, splitList, type PlaybookOptions } from '../options.ts';

/** Compiles from command-line options; prints warnings (also when compile fails). Shared by commands that need a plan. */
export async function compileFromOptions(playbooks: string[], options: PlaybookOptions, cwd = process.cwd()): Promise<CompileResult> {
  // Loaded on use, so commands that do not compile start without handlebars and the modules.
  const { compilePlan, CompileFailed, parseExtraVars } = await import('../../compile/index.ts');
  try {
    const result = compilePlan({
      inventory: options.inventory,
      playbooks,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      tags: splitList(options.tags),
      skipTags: splitList(options.skipTags),
      extraVars: parseExtraVars(options.extraVars, cwd),
      rolesPath: options.rolesPath,
      cwd,
    });
    printWarnings(result.warnings);
    return result;
  } catch (error) {
    if (error instanceof CompileFailed) printWarnings(error.warnings);
    throw error;
  }
}

function printWarnings(warnings: readonly UserError[]): void {
  for (const w of warnings) process.stderr.write(`warning: ${w.format()}\n`);
}

export function registerCompile(program: Command): void {
  const cmd = program
    .command('compile')
    .description('show the tasks every host would get, with every variable resolved (offline, touches nothing)')
    .argument('<playbooks...>', 'playbook files, run in order')
    .option('--json', 'print the plan as JSON (secrets stay placeholders)');
  addPlaybookOptions(cmd).action(async (playbooks: string[], options: PlaybookOptions & { json?: boolean }) => {
    const { plan } = await compileFromOptions(playbooks, options);
    const { renderPlanText } = await import('../../compile/render-text.ts');
    if (options.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    // warnings went to stderr already
    else process.stdout.write(renderPlanText({ ...plan, warnings: [] }));
  });
}
