/**
 * What a file should be, in one shape for every module that writes files
 * (file, template, properties, sysctl's persisted file).
 */
export interface DesiredFile {
  path: string;
  /** directory: a directory (mode/owner/group managed, never its content). */
  state: 'present' | 'absent' | 'directory';
  /** The whole text; undefined = leave the content alone (create empty when missing). */
  content?: string | undefined;
  /** Four octal digits; undefined = keep the file's own (umask default when created). */
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  backup?: boolean | undefined;
  validate?: string | undefined;
  /** false: content changes are reported without a unified diff. */
  diff?: boolean | undefined;
}
