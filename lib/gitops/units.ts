import { DeliveryStage, DELIVERY_STAGES } from '../platform/output-folder.js';
import { ResourceScopes } from '../validation/schema/scopes.js';

/** One object as the GitOps layer sees it. */
export interface UnitObject {
  readonly path: string;
  readonly manifest: Record<string, any>;
}

/**
 * A GitOps unit: one output folder of one environment, synced as one Argo CD Application or one Flux
 * Kustomization.
 */
export interface GitOpsUnit {
  /** Folder name, e.g. `gateway`. */
  readonly folder: string;
  /** Delivery stage, which orders the units. */
  readonly stage: DeliveryStage;
  /** Path of the folder relative to the output root: `<platform>/<environment>/<folder>`. */
  readonly path: string;
  /** The objects in the folder. */
  readonly objects: readonly UnitObject[];
}

/** The objects of one platform environment, grouped into units in delivery order (stage, then name). */
export function unitsOf(objects: readonly (UnitObject & { readonly stage: DeliveryStage })[]): GitOpsUnit[] {
  const byFolder = new Map<string, { stage: DeliveryStage; objects: UnitObject[] }>();
  for (const o of objects) {
    const path = o.path.split('/').slice(0, 3).join('/');
    const unit = byFolder.get(path) ?? { stage: o.stage, objects: [] };
    unit.objects.push(o);
    byFolder.set(path, unit);
  }
  return [...byFolder.entries()]
    .map(([path, u]) => ({ folder: path.split('/')[2], stage: u.stage, path, objects: u.objects }))
    .sort((a, b) => DELIVERY_STAGES.indexOf(a.stage) - DELIVERY_STAGES.indexOf(b.stage) || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** The namespaces the objects of the units are applied to (cluster-scoped objects have none). */
export function namespacesOf(units: readonly GitOpsUnit[]): string[] {
  const out = new Set<string>();
  for (const u of units) {
    for (const o of u.objects) {
      if (o.manifest.metadata?.namespace) out.add(o.manifest.metadata.namespace);
      // Argo CD Applications deploy into their own destination namespace too.
      if (o.manifest.kind === 'Application' && o.manifest.spec?.destination?.namespace) out.add(o.manifest.spec.destination.namespace);
    }
  }
  return [...out].sort();
}

/**
 * The cluster-scoped kinds among the objects, as `group/kind` pairs: by the schemas' scope (`scopes`), or, for a kind
 * no schema knows, by the manifest naming no namespace.
 */
export function clusterKindsOf(units: readonly GitOpsUnit[], scopes: ResourceScopes = ResourceScopes.pinned()): { group: string; kind: string }[] {
  const out = new Map<string, { group: string; kind: string }>();
  for (const u of units) {
    for (const o of u.objects) {
      if (scopes.isNamespaced(o.manifest.apiVersion, o.manifest.kind) ?? Boolean(o.manifest.metadata?.namespace)) continue;
      const apiVersion = String(o.manifest.apiVersion);
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      out.set(`${group}/${o.manifest.kind}`, { group, kind: o.manifest.kind });
    }
  }
  return [...out.values()].sort((a, b) => (`${a.group}/${a.kind}` < `${b.group}/${b.kind}` ? -1 : 1));
}
