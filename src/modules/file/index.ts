/**
 * `file`: a whole file's content, mode, owner and group, or its absence.
 */
import { defineModule } from '../contract.ts';
import { fileCommands } from './commands.ts';
import type { DesiredFile } from './desired.ts';
import { diffFile } from './diff.ts';
import { fileDoc } from './doc.ts';
import { parseFileProbe } from './parse.ts';
import type { FileState } from './parse.ts';
import { fileProbe, filesProbeTogether } from './probe.ts';
import { fileParams } from './schema.ts';
import type { FileParams } from './schema.ts';
import { checkValidateResult, splitValidateOutput, withValidateProbe } from './validate.ts';
import type { ValidateCopy } from './validate.ts';

function desiredOf(p: FileParams): DesiredFile {
  return {
    path: p.path,
    state: p.state,
    content: p.content,
    mode: p.mode,
    owner: p.owner,
    group: p.group,
    backup: p.backup,
    validate: p.validate,
    diff: p.diff,
  };
}

/** The content the probe compares on the host: only a file that should be there has one. */
const expectedContent = (p: FileParams): string | undefined => (p.state === 'present' ? p.content : undefined);

/** What the dry run validates: new content with a validator (see validate.ts). */
function validateCopy(p: FileParams): ValidateCopy | undefined {
  const content = expectedContent(p);
  if (content === undefined || p.validate === undefined) return undefined;
  return { path: p.path, content, validate: p.validate, mode: p.mode, owner: p.owner, group: p.group };
}

export const fileModule = defineModule<FileParams, FileState>({
  name: 'file',
  doc: fileDoc,
  schema: fileParams,
  // `src` is read once, at compile time: the plan holds the exact text.
  prepare(params, ctx) {
    if (params.src === undefined) return params;
    const { src, ...rest } = params;
    return { ...rest, content: ctx.readFile('files', src) };
  },
  // The desired content rides along: an in-sync file is compared on the host, not sent back.
  // With validate, a content that differs is also run through the validator, on a temporary copy.
  probe: (params) => {
    const probe = fileProbe(params.path, expectedContent(params));
    const copy = validateCopy(params);
    return copy ? withValidateProbe(probe, copy) : probe;
  },
  // Files with a validator are probed on their own (their probe runs it in a subshell).
  probeTogether: (list) => {
    const together = filesProbeTogether(list.map((p) => ({ path: p.path, expected: expectedContent(p) })));
    return { ...together, items: together.items.map((item, i) => (validateCopy(list[i] as FileParams) ? null : item)) };
  },
  parse: (output, params) => {
    const copy = validateCopy(params);
    if (!copy) return parseFileProbe(output.stdout, params.path, expectedContent(params));
    const { file, validate } = splitValidateOutput(output.stdout);
    const state = parseFileProbe(file, params.path, expectedContent(params));
    checkValidateResult(copy, validate);
    return state;
  },
  diff: (desired, actual) => diffFile(desiredOf(desired), actual),
  commands: (changes, desired) => fileCommands(changes, desiredOf(desired)),
});

export { desiredOf as desiredFileOf };
