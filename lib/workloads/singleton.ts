import { Construct } from 'constructs';
import { emitDeployment } from '../delivery/deployment.js';
import { Strategy } from '../delivery/strategy.js';
import { PreStop } from '../pod/pre-stop.js';
import { emitService } from '../traffic/service.js';
import { WorkloadOverrides, WorkloadProps } from './base/workload-props.js';
import { WorkloadBase } from './base/workload-base.js';

/** What may differ per environment for a {@link Singleton}: everything but replicas and autoscaling. */
export interface SingletonOverrides extends Omit<WorkloadOverrides, 'replicas' | 'autoscaling'> {}

/** Props of a {@link Singleton}. Replicas, autoscaling and a disruption budget do not apply. */
export interface SingletonProps extends Omit<WorkloadProps, 'replicas' | 'autoscaling' | 'disruptionBudget'> {
  /** Container port, named `http`, with a ClusterIP Service in front. @default none: no Service */
  readonly port?: number;
  /** Port of the Service. @default 80 */
  readonly servicePort?: number;
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: SingletonOverrides };
}

/**
 * A workload that must never run two versions at once (a leader without election, a legacy app holding a
 * file lock). It runs exactly one replica with the `Recreate` strategy: the old pod stops before the new
 * one starts, a short downtime by design (the seed keeps Recreate for such singletons only). It has no
 * PodDisruptionBudget: one that protected the only pod would block every node drain.
 */
export class Singleton extends WorkloadBase {
  constructor(scope: Construct, id: string, props: SingletonProps) {
    const overrides = props.environments ? WorkloadBase.overridesFor(scope, props.environments) : undefined;
    // One replica: the class default (a Singleton has no `replicas` prop), never scaled.
    super(scope, id, props, overrides, {
      component: 'singleton',
      replicas: 1,
      preStop: props.port !== undefined ? PreStop.sleep(5) : PreStop.none(),
      terminationGracePeriodSeconds: 30,
      requiresReadinessProbe: props.port !== undefined,
      allowsPersistentVolumes: true,
    });
    if (!this.propsUsable) return;
    if (props.port !== undefined) {
      emitService(this, 'service', { name: this.name, namespace: this.namespace, labels: this.labels, selector: this.selector, port: props.servicePort ?? 80 });
    }
    emitDeployment(this, {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      selector: this.selector,
      // Never scaled: two replicas would be two versions, or two leaders.
      replicas: 1,
      podTemplate: this.podTemplate(props.port),
      strategy: Strategy.recreate(),
    });
  }
}
