/**
 * Params of the `template` module: a handlebars file from the role's
 * templates/, rendered at compile time, then written exactly as `file` does.
 */
import { z } from 'zod';
import { strictObject } from '../file/strict-object.ts';
import { absolutePath, fileAttributes, fileContent, sourceName } from '../file/schema.ts';

export const templateParams = strictObject(
    {
      src: sourceName,
      dest: absolutePath,
      ...fileAttributes,
      /** Filled in by compile from `src` (the rendered text); not written by hand. */
      content: fileContent.optional(),
    },
    'template',
  )

export type TemplateParams = z.output<typeof templateParams>;
