import { Construct } from 'constructs';
import { emitDeployment } from '../delivery/deployment.js';
import { checkSurge, RollingProps, RollingStrategy, Strategy } from '../delivery/strategy.js';
import { PreStop } from '../pod/pre-stop.js';
import { Probe } from '../pod/probe.js';
import { WorkloadOverrides, WorkloadProps } from './base/workload-props.js';
import { WorkloadBase } from './base/workload-base.js';

/** Props of a {@link QueueWorker}. */
export interface QueueWorkerProps extends WorkloadProps {
  /**
   * The rolling update, in every environment. Consumers are idempotent (ADR-0006), so old and new
   * versions may process the same stream side by side; there is nothing to canary without traffic.
   * @default maxSurge 25%, maxUnavailable 0: consumption capacity never drops during an update
   */
  readonly rolling?: RollingProps;
  /**
   * Readiness probe. Optional for workers: nothing routes to them, and without a probe a pod counts as
   * ready once its container runs. With one, a rolling update waits for each new pod to be ready. A
   * worker has no container port, so an HTTP, TCP or gRPC probe must name its port (`{ port: 8081 }`).
   * @default none
   */
  readonly readinessProbe?: Probe;
  /**
   * What happens before SIGTERM.
   * @default PreStop.none(): a worker has no endpoints to deregister, so waiting before SIGTERM would only
   * keep it fetching new messages; on SIGTERM it should stop fetching, finish or nak what it holds,
   * checkpoint and exit
   */
  readonly preStop?: PreStop;
  /**
   * Seconds between SIGTERM and SIGKILL: the time a worker has to finish its in-flight messages and
   * checkpoint to the durable queue. Set it above the longest processing time of one message; what is
   * not acknowledged by then is redelivered after the consumer's ack wait.
   * @default 120
   */
  readonly terminationGracePeriodSeconds?: number;
  /** Replica count before the environment's replica scale; ignored when `autoscaling` is set. @default 2, so a node drain never stops consumption */
  readonly replicas?: number;
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: WorkloadOverrides };
}

/**
 * A queue consumer with no inbound traffic (the seed's workers): a Deployment with a rolling update in
 * every environment, no Service and no container port, a long grace period for checkpointing on
 * shutdown, a PodDisruptionBudget, and optionally an autoscaler — typically KEDA on the NATS JetStream
 * backlog (`Autoscaling.natsJetStream(...)`), or an HPA; never both, the `autoscaling` prop holds one.
 *
 * The PodDisruptionBudget (maxUnavailable 1 by default) never blocks a node drain, also when KEDA has
 * scaled the worker to zero: a budget over no pods has nothing to evict, and KEDA's scale-down is not an
 * eviction, so the budget never holds it back.
 */
export class QueueWorker extends WorkloadBase {
  /** The rolling update used in every environment. */
  public readonly strategy: RollingStrategy;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id, props, WorkloadBase.overridesFor(scope, props.environments), {
      component: 'queue-worker',
      replicas: 2,
      preStop: PreStop.none(),
      terminationGracePeriodSeconds: 120,
      requiresReadinessProbe: false,
    });
    if (!this.propsUsable) {
      this.strategy = Strategy.rolling();
      return;
    }
    for (const [key, probe] of [['readinessProbe', props.readinessProbe], ['livenessProbe', props.livenessProbe], ['startupProbe', props.startupProbe]] as const) {
      if (probe && needsPort(probe)) {
        this.problem({ field: `${key}.port`, value: undefined, message: 'is required: a worker has no container port for the probe to default to', fix: `give the port the app serves health on, e.g. Probe.httpGet('/healthz', { port: 8081 }), or use Probe.exec([...])` });
      }
    }

    this.strategy = Strategy.rolling(props.rolling);
    for (const p of checkSurge(this.strategy.surge, 'rolling')) this.problem(p);

    this.emitDisruptionBudget();
    emitDeployment(this, {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      selector: this.selector,
      replicas: this.specReplicas,
      podTemplate: this.podTemplate(undefined),
      strategy: this.strategy,
    });
    this.emitAutoscaler({ apiVersion: 'apps/v1', kind: 'Deployment' });
  }
}

/** True when the probe acts on a port (HTTP, TCP, gRPC) and does not name one. */
function needsPort(probe: Probe): boolean {
  if (probe.options.port !== undefined) return false;
  const rendered = probe.render('http');
  return 'httpGet' in rendered || 'tcpSocket' in rendered || 'grpc' in rendered;
}
