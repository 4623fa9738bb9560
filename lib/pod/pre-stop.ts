/**
 * What a container does between being marked terminating and receiving SIGTERM.
 *
 * Endpoints are removed asynchronously: for a few seconds after a pod starts terminating, load balancers
 * and kube-proxy still send it new connections. A short pause before SIGTERM lets them catch up, so no
 * request hits a closed socket.
 */
export class PreStop {
  /**
   * The kubelet's built-in sleep action (`lifecycle.preStop.sleep`, on by default since Kubernetes 1.30).
   * Needs no shell in the image, so it works with distroless images.
   */
  public static sleep(seconds: number): PreStop {
    return seconds === 0 ? PreStop.none() : new PreStop({ sleep: { seconds } }, seconds);
  }

  /** Runs a command in the container (the image must contain it). `waitSeconds` is how long it may take. */
  public static exec(command: readonly string[], waitSeconds: number): PreStop {
    return new PreStop({ exec: { command: [...command] } }, waitSeconds);
  }

  /** An HTTP GET on the container (e.g. a `/drain` endpoint). `waitSeconds` is how long it may take. */
  public static httpGet(path: string, port: number, waitSeconds: number): PreStop {
    return new PreStop({ httpGet: { path, port } }, waitSeconds);
  }

  /**
   * No preStop, for workloads that receive no traffic through a Service. (A 0-second sleep is not
   * emitted: Kubernetes rejects `sleep.seconds: 0` before 1.33.)
   */
  public static none(): PreStop {
    return new PreStop(undefined, 0);
  }

  private constructor(private readonly handler: Record<string, unknown> | undefined, public readonly seconds: number) {}

  /** The `lifecycle.preStop` handler, or undefined for none. */
  public render(): Record<string, unknown> | undefined {
    return this.handler;
  }
}
