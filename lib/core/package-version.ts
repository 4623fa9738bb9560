import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `name@version` of the installed package a resolved file belongs to: the nearest package.json above it that has a
 * name and a version (a `{"type": "commonjs"}` file in a dist folder has neither), read without loading the package,
 * whose `exports` often hide its package.json. With `name`, only that package's manifest counts. Undefined when none
 * is found. Cache keys use it, so a new version of a library is a new key.
 */
export function installedPackage(entry: string, name?: string): { readonly name: string; readonly version: string } | undefined {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (typeof manifest.name === 'string' && typeof manifest.version === 'string' && (name === undefined || manifest.name === name)) {
        return { name: manifest.name, version: manifest.version };
      }
    } catch {
      // no package.json here: keep walking up
    }
  }
  return undefined;
}
