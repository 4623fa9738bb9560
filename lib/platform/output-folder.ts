import { IConstruct } from 'constructs';

const FOLDERS = new WeakMap<IConstruct, string>();

/**
 * Marks a construct as an app folder: every object below it is written to
 * `dist/<platform>/<environment>/<folder>/`. One folder per app is what a GitOps Application points at.
 */
export function setOutputFolder(scope: IConstruct, folder: string): void {
  FOLDERS.set(scope, folder);
}

/** The folder of the nearest marked ancestor (or the construct itself), if any. */
export function outputFolderOf(scope: IConstruct): string | undefined {
  for (const c of [...scope.node.scopes].reverse()) {
    const folder = FOLDERS.get(c);
    if (folder !== undefined) return folder;
  }
  return undefined;
}
