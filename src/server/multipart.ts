import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import type { Readable } from 'node:stream';
import { LanternError } from '../shared/errors.ts';

export type UploadedFile = { stream: Readable; fileName: string; fields: Record<string, string> };

/**
 * Walks a multipart form whose fields come before its files (our forms put them first),
 * handing each file to `onFile` as a stream while it arrives: nothing is buffered whole.
 * Returns how many files there were; none is an error the user is told about.
 */
export async function eachUploadedFile(request: FastifyRequest, onFile: (file: UploadedFile) => Promise<void>): Promise<number> {
  const fields: Record<string, string> = {};
  let files = 0;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    const file = part as MultipartFile;
    if (!file.filename) {
      file.file.resume();
      continue;
    }
    files++;
    await onFile({ stream: file.file, fileName: file.filename, fields: { ...fields } });
    if (file.file.truncated) throw new LanternError('invalid-input', `${file.filename} is larger than the upload limit.`);
  }
  if (files === 0) throw new LanternError('invalid-input', 'Choose a file to upload.');
  return files;
}
