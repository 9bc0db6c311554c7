/**
 * Geography loaders accept either a file path (CLI, tests) or a stream (an HTTP upload),
 * so callers never have to write an upload to disk first.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { GeographyError } from './geography.errors.ts';

export type GeographyInput = Readable | string;

export function describeInput(input: GeographyInput): string {
  return typeof input === 'string' ? input : 'the uploaded file';
}

/** The input's description at the start of a sentence. */
export function sentence(description: string): string {
  return description.charAt(0).toUpperCase() + description.slice(1);
}

/** Whole-file read: boundary files are a few megabytes and JSON.parse needs all of it anyway. */
export async function readAllText(input: GeographyInput): Promise<string> {
  let text: string;
  try {
    if (typeof input === 'string') {
      text = await readFile(input, 'utf8');
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of input) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
      }
      text = Buffer.concat(chunks).toString('utf8');
    }
  } catch (err) {
    throw new GeographyError('unreadable_input', `Could not read ${describeInput(input)}: ${(err as Error).message}`);
  }
  // ONS downloads often carry a UTF-8 byte-order mark, which JSON.parse rejects.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function openStream(input: GeographyInput): Readable {
  return typeof input === 'string' ? createReadStream(input) : input;
}
