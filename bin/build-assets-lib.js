import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILT_CSS = join(root, 'web/build/app.css');

export async function buildAssets() {
  const result = await sass.compileAsync(join(root, 'web/scss/app.scss'), {
    importers: [new sass.NodePackageImporter()],
    loadPaths: [root],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import', 'global-builtin', 'slash-div', 'color-functions'],
  });
  await mkdir(dirname(BUILT_CSS), { recursive: true });
  await writeFile(BUILT_CSS, result.css);
  return BUILT_CSS;
}
