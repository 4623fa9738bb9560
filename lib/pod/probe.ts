import { checkFactory } from '../core/props/check-props.js';
/** Timing of a probe. Each field maps to the Kubernetes probe field of the same name. */
export interface ProbeOptions {
  /** Port to probe, by number or container port name. @default the workload's container port */
  readonly port?: number | string;
  /** Seconds between probes. @default 5 */
  readonly periodSeconds?: number;
  /** Consecutive failures before the probe fails. @default 3 */
  readonly failureThreshold?: number;
  /** Seconds to wait before the first probe. @default 0 (use a startup probe for slow starts) */
  readonly initialDelaySeconds?: number;
  /** Seconds before a probe times out. @default 2 */
  readonly timeoutSeconds?: number;
}

type Action = { httpGet: { path: string; scheme?: string } } | { tcpSocket: Record<string, never> } | { grpc: { service?: string } } | { exec: { command: string[] } };

/**
 * A container probe. Readiness probes gate traffic: no pod receives requests, and no rolling update or
 * canary step proceeds, until it reports ready.
 */
export class Probe {
  /** HTTP GET on `path`; 2xx/3xx is healthy. */
  public static httpGet(path: string, options: ProbeOptions = {}): Probe {
    return checkFactory(new Probe({ httpGet: { path } }, options), 'Probe.httpGet', [path, options]);
  }

  /** A TCP connect to the port. */
  public static tcpSocket(options: ProbeOptions = {}): Probe {
    return checkFactory(new Probe({ tcpSocket: {} }, options), 'Probe.tcpSocket', [options]);
  }

  /** The gRPC health-checking protocol (grpc.health.v1). */
  public static grpc(options: ProbeOptions & { readonly service?: string } = {}): Probe {
    return checkFactory(new Probe({ grpc: options.service ? { service: options.service } : {} }, options), 'Probe.grpc', [options]);
  }

  /** A command run in the container; exit 0 is healthy. */
  public static exec(command: readonly string[], options: ProbeOptions = {}): Probe {
    return checkFactory(new Probe({ exec: { command: [...command] } }, options), 'Probe.exec', [command, options]);
  }

  private constructor(private readonly action: Action, public readonly options: ProbeOptions) {}

  /** The path an HTTP GET probe requests, else undefined (the canary analysis excludes these requests). */
  public get httpPath(): string | undefined {
    return 'httpGet' in this.action ? this.action.httpGet.path : undefined;
  }

  /** Problems with the timing values, with fields relative to `field`. */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    for (const key of ['periodSeconds', 'failureThreshold', 'timeoutSeconds'] as const) {
      const v = this.options[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) out.push({ field: `${field}.${key}`, value: v, message: 'must be a whole number of at least 1', fix: `set ${key} to 1 or more` });
    }
    const delay = this.options.initialDelaySeconds;
    if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0)) out.push({ field: `${field}.initialDelaySeconds`, value: delay, message: 'must be a whole number of at least 0', fix: 'set initialDelaySeconds to 0 or more' });
    if ('httpGet' in this.action && !this.action.httpGet.path.startsWith('/')) {
      out.push({ field: `${field}.path`, value: this.action.httpGet.path, message: 'must be an absolute path', fix: 'start the path with "/", e.g. "/readyz"' });
    }
    if ('exec' in this.action && this.action.exec.command.length === 0) {
      out.push({ field: `${field}.command`, value: [], message: 'is empty', fix: 'give the command to run, e.g. ["/bin/healthcheck"]' });
    }
    return out;
  }

  /** The Kubernetes probe object. */
  public render(defaultPort: number | string): Record<string, unknown> {
    const port = this.options.port ?? defaultPort;
    let action: Record<string, unknown>;
    if ('httpGet' in this.action) action = { httpGet: { path: this.action.httpGet.path, port } };
    else if ('tcpSocket' in this.action) action = { tcpSocket: { port } };
    else if ('grpc' in this.action) action = { grpc: { ...this.action.grpc, port: typeof port === 'number' ? port : Number(port) } };
    else action = { exec: { command: this.action.exec.command } };
    return {
      ...action,
      periodSeconds: this.options.periodSeconds ?? 5,
      failureThreshold: this.options.failureThreshold ?? 3,
      initialDelaySeconds: this.options.initialDelaySeconds ?? 0,
      timeoutSeconds: this.options.timeoutSeconds ?? 2,
    };
  }
}
