/**
 * Properties changes → shell text: the awk edit of the file as it is when the
 * task runs, written atomically; then mode/owner fixes of an existing file.
 */
import type { Change } from '../contract.ts';
import { fileCommands, parentDirectoryScript } from '../file/commands.ts';
import { atomicWriteScript } from '../file/write.ts';
import { keyLinesEditCommand } from './key-lines-awk.ts';
import type { PropertiesChangeData } from './diff.ts';
import { DEFAULT_PROPERTIES_MODE } from './schema.ts';
import type { PropertiesParams } from './schema.ts';

export function propertiesCommands(changes: readonly Change[], desired: PropertiesParams): string {
  const data = changes.map((c) => c.data as PropertiesChangeData);
  const out = data.flatMap((d) => (d.op === 'parent' ? [parentDirectoryScript(d.dir)] : []));
  if (data.some((d) => d.op === 'edit' || d.op === 'create')) {
    out.push(
      atomicWriteScript({
        path: desired.path,
        produce: keyLinesEditCommand(desired.path, 'java', { set: Object.entries(desired.set), remove: desired.remove }),
        mode: desired.mode,
        newFileMode: DEFAULT_PROPERTIES_MODE,
        owner: desired.owner,
        group: desired.group,
        validate: desired.validate,
        skipWhenSame: true,
      }),
    );
  }
  const attributes = changes.filter((_c, i) => data[i]?.op === 'attributes').map((c) => ({ ...c, data: (c.data as { file: unknown }).file }));
  if (attributes.length > 0) out.push(fileCommands(attributes, { path: desired.path, state: 'present' }));
  return out.join('\n');
}
