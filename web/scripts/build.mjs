/** Builds each page into its own folder (see vite.config.ts for why they are separate). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const page of ['admin', 'sidebar']) {
  process.env.WEB_PAGE = page;
  await build({ configFile: path.join(web, 'vite.config.ts'), mode: 'production' });
}
