/**
 * Every file a compile reads goes through here: paths are shown relative to
 * the working directory, and each file's bytes are recorded once, in read
 * order, for the plan's input hash.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../errors/index.ts';
import { describeReadError, parseYaml, type YamlDocument } from '../yaml/index.ts';

export interface InputFile {
  /** Relative to the working directory. */
  path: string;
  bytes: Buffer;
}

export class SourceFiles {
  readonly inputs: InputFile[] = [];
  private readonly texts = new Map<string, string>();
  private readonly docs = new Map<string, YamlDocument>();

  constructor(readonly cwd: string) {}

  /** Absolute path of a path given relative to `base` (default: the working directory). */
  resolve(path: string, base = this.cwd): string {
    return isAbsolute(path) ? path : resolve(base, path);
  }

  /** How a file is named in messages and in the plan: relative to the working directory. */
  display(abs: string): string {
    const rel = relative(this.cwd, abs);
    return rel === '' ? '.' : rel;
  }

  isFile(abs: string): boolean {
    try {
      return statSync(abs).isFile();
    } catch {
      return false;
    }
  }

  isDirectory(abs: string): boolean {
    return existsSync(abs) && statSync(abs).isDirectory();
  }

  /** Reads a file as text (recorded once for the input hash). */
  readText(abs: string): string {
    const known = this.texts.get(abs);
    if (known !== undefined) return known;
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (error) {
      throw new UserError(`cannot read ${this.display(abs)}: ${describeReadError(error)}`);
    }
    const text = bytes.toString('utf8');
    this.inputs.push({ path: this.display(abs), bytes });
    this.texts.set(abs, text);
    return text;
  }

  /** Records a file read by someone else (the inventory loader) for the input hash. */
  record(abs: string): void {
    if (this.texts.has(abs)) return;
    try {
      this.readText(abs);
    } catch {
      // the reader that opened it reports its own errors
    }
  }

  /** Reads and parses YAML; errors are located UserErrors. */
  readYaml(abs: string): YamlDocument {
    const known = this.docs.get(abs);
    if (known) return known;
    const doc = parseYaml(this.readText(abs), this.display(abs));
    this.docs.set(abs, doc);
    return doc;
  }

  /** The text of a file already read, by its display name (to point at columns inside a line). */
  textOf(display: string): string | undefined {
    return this.texts.get(this.resolve(display));
  }
}
