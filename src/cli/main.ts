/**
 * zonectl's command line: parses arguments and maps results and errors to exit
 * codes. Everything else lives in the core; each command is one file under
 * ./commands that registers itself on the program.
 */
import { Command, CommanderError } from 'commander';
import { isUserError, UserErrors } from '../errors/index.ts';
import { VERSION } from '../version.ts';
// commands: imports (one per line)
import { registerValidate } from './commands/validate.ts';
import { registerCompile } from './commands/compile.ts';
import { registerInventoryCommand } from './commands/inventory.ts';
import { registerApply } from './commands/apply.ts';
import { registerCheck } from './commands/check.ts';
import { registerPlan } from './commands/plan.ts';
import { registerLab } from './commands/lab.ts';

export function buildProgram(): Command {
  const program = new Command('zonectl')
    .description('Declarative, idempotent provisioning over SSH for the networks of a cloud zone')
    .version(VERSION, '--version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // commands: register (one per line)
  registerValidate(program);
  registerCompile(program);
  registerInventoryCommand(program);
  registerCheck(program);
  registerPlan(program);
  registerApply(program);
  registerLab(program);
  return program;
}

/** Exit codes: 0 ok / in sync, 1 failure or invalid input, 2 changes pending (check). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // help and --version exit through here with code 0
    return error.exitCode;
  }
  if (isUserError(error)) {
    const list = error instanceof UserErrors ? error.errors : [error];
    for (const e of list) process.stderr.write(`error: ${e.format()}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`internal error: ${message}\n`);
  if (process.env.ZONECTL_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('(set ZONECTL_DEBUG=1 for a stack trace, and please report this)\n');
  return 1;
}

const isEntry = process.argv[1] !== undefined && /(?:^|\/)(?:main\.ts|main\.js|zonectl(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  // A reader that goes away (`zonectl compile … | head`) ends the output quietly, as for any Unix tool.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && stream === process.stdout) process.stderr.write(`error: cannot write the output: ${error.message}\n`);
      process.exit(error.code === 'EPIPE' ? (process.exitCode === undefined ? 0 : Number(process.exitCode)) : 1);
    });
  }
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
