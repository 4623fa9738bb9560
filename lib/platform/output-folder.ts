import { IConstruct } from 'constructs';

/**
 * Where a folder sits in an environment's delivery order. Each folder becomes one GitOps unit (an Argo
 * CD Application or a Flux Kustomization); units sync stage by stage: the platform (namespace, RBAC,
 * controllers), then data services, then migrations, then the applications.
 */
export enum DeliveryStage {
  PLATFORM = 'platform',
  DATA = 'data',
  MIGRATION = 'migration',
  APP = 'app',
}

/** The stages in delivery order. */
export const DELIVERY_STAGES: readonly DeliveryStage[] = [DeliveryStage.PLATFORM, DeliveryStage.DATA, DeliveryStage.MIGRATION, DeliveryStage.APP];

/** An output folder: its name and delivery stage. */
export interface OutputFolder {
  readonly name: string;
  readonly stage: DeliveryStage;
}

const FOLDERS = new WeakMap<IConstruct, OutputFolder>();

/**
 * Marks a construct as an app folder: every object below it is written to
 * `dist/<platform>/<environment>/<folder>/`. One folder per app is what a GitOps Application points at,
 * and its stage decides when that Application syncs.
 */
export function setOutputFolder(scope: IConstruct, folder: string, stage: DeliveryStage = DeliveryStage.APP): void {
  FOLDERS.set(scope, { name: folder, stage });
}

/** The folder of the nearest marked ancestor (or the construct itself), if any. */
export function outputFolderOf(scope: IConstruct): string | undefined {
  return outputFolderInfoOf(scope)?.name;
}

/** The folder and stage set on exactly this construct (not its ancestors), if any. */
export function folderInfoOfScope(scope: IConstruct): OutputFolder | undefined {
  return FOLDERS.get(scope);
}

/** The folder and stage of the nearest marked ancestor (or the construct itself), if any. */
export function outputFolderInfoOf(scope: IConstruct): OutputFolder | undefined {
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
