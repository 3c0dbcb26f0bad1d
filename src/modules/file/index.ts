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
import { fileProbe } from './probe.ts';
import { fileParams } from './schema.ts';
import type { FileParams } from './schema.ts';

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
  probe: (params) => fileProbe(params.path, expectedContent(params)),
  parse: (output, params) => parseFileProbe(output.stdout, params.path, expectedContent(params)),
  diff: (desired, actual) => diffFile(desiredOf(desired), actual),
  commands: (changes, desired) => fileCommands(changes, desiredOf(desired)),
});

export { desiredOf as desiredFileOf };
