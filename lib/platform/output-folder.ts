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

const FILE_STEMS = new WeakMap<IConstruct, string>();

/**
 * Gives an object a fixed file name (without `.yaml`) instead of `<kind>-<name>`. Used for objects whose
 * name carries a content hash, so a change edits one file instead of deleting one and adding another.
 */
export function setFileStem(scope: IConstruct, stem: string): void {
  FILE_STEMS.set(scope, stem);
}

/** The fixed file stem of an object, if one was set. */
export function fileStemOf(scope: IConstruct): string | undefined {
  return FILE_STEMS.get(scope);
}
