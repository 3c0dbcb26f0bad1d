/**
 * `template`: handlebars from the role's templates/, rendered at compile time,
 * then exactly the file module (same probe, diff and commands).
 */
import { defineModule, TaskError } from '../contract.ts';
import { fileCommands } from '../file/commands.ts';
import type { DesiredFile } from '../file/desired.ts';
import { diffFile } from '../file/diff.ts';
import { parseFileProbe } from '../file/parse.ts';
import type { FileState } from '../file/parse.ts';
import { fileProbe, filesProbeTogether } from '../file/probe.ts';
import { templateDoc } from './doc.ts';
import { templateParams } from './schema.ts';
import type { TemplateParams } from './schema.ts';

function desiredOf(p: TemplateParams): DesiredFile {
  // prepare() fills content at compile time; without it there is nothing true to write.
  if (p.content === undefined) throw new TaskError(`template ${p.src} was not rendered when the plan was compiled`);
  return {
    path: p.dest,
    state: 'present',
    content: p.content,
    mode: p.mode,
    owner: p.owner,
    group: p.group,
    backup: p.backup,
    validate: p.validate,
    diff: p.diff,
  };
}

export const templateModule = defineModule<TemplateParams, FileState>({
  name: 'template',
  doc: templateDoc,
  schema: templateParams,
  prepare: (params, ctx) => ({ ...params, content: ctx.render(ctx.readFile('templates', params.src), params.src) }),
  // The desired content rides along: an in-sync file is compared on the host, not sent back.
  probe: (params) => fileProbe(params.dest, params.content),
  probeTogether: (list) => filesProbeTogether(list.map((p) => ({ path: p.dest, expected: p.content }))),
  parse: (output, params) => parseFileProbe(output.stdout, params.dest, params.content),
  diff: (desired, actual) => diffFile(desiredOf(desired), actual),
  commands: (changes, desired) => fileCommands(changes, desiredOf(desired)),
});
