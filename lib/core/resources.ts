/**
 * CPU and memory for one container, as requests and limits.
 *
 * Units are in the names so numbers cannot be misread: CPU in millicores, memory in mebibytes.
 */
export interface ResourceRequirements {
  /** CPU request in millicores. @default 100 */
  readonly cpuRequestMillis?: number;
  /** CPU limit in millicores. @default no CPU limit: CPU is compressible and a limit only adds throttling */
  readonly cpuLimitMillis?: number;
  /** Memory request in MiB. @default 128 */
  readonly memoryRequestMebibytes?: number;
  /** Memory limit in MiB. @default equal to the memory request, so the pod is never OOM-killed for using what it asked for */
  readonly memoryLimitMebibytes?: number;
}

/** Resolved requests and limits, after the environment's resource scale. */
export interface ResolvedResources {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis?: number;
  readonly memoryRequestMebibytes: number;
  readonly memoryLimitMebibytes: number;
}

/** Applies defaults and an environment's scale factor (rounded up, never below 1 unit). */
export function resolveResources(requirements: ResourceRequirements | undefined, scale: number): ResolvedResources {
  const r = requirements ?? {};
  const scaled = (value: number) => Math.max(1, Math.ceil(value * scale));
  const memoryRequest = r.memoryRequestMebibytes ?? 128;
  return {
    cpuRequestMillis: scaled(r.cpuRequestMillis ?? 100),
    cpuLimitMillis: r.cpuLimitMillis === undefined ? undefined : scaled(r.cpuLimitMillis),
    memoryRequestMebibytes: scaled(memoryRequest),
    memoryLimitMebibytes: scaled(r.memoryLimitMebibytes ?? memoryRequest),
  };
}

/** Problems with requests and limits: non-positive values, or a limit below its request. */
export function checkResources(requirements: ResourceRequirements | undefined): { field: string; value: unknown; message: string; fix: string }[] {
  const r = requirements ?? {};
  const out: { field: string; value: unknown; message: string; fix: string }[] = [];
  for (const key of ['cpuRequestMillis', 'cpuLimitMillis', 'memoryRequestMebibytes', 'memoryLimitMebibytes'] as const) {
    const v = r[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
      out.push({ field: `resources.${key}`, value: v, message: 'must be a positive number', fix: `set resources.${key} to a number above 0` });
    }
  }
  if (r.cpuLimitMillis !== undefined && r.cpuLimitMillis < (r.cpuRequestMillis ?? 100)) {
    out.push({ field: 'resources.cpuLimitMillis', value: r.cpuLimitMillis, message: `is below the CPU request (${r.cpuRequestMillis ?? 100}m)`, fix: 'raise the limit to at least the request, or drop the limit' });
  }
  const memoryRequest = r.memoryRequestMebibytes ?? 128;
  if (r.memoryLimitMebibytes !== undefined && r.memoryLimitMebibytes < memoryRequest) {
    out.push({ field: 'resources.memoryLimitMebibytes', value: r.memoryLimitMebibytes, message: `is below the memory request (${memoryRequest}Mi)`, fix: 'raise the limit to at least the request' });
  }
  return out;
}

/** The Kubernetes `resources` block. */
export function renderResources(r: ResolvedResources): { requests: Record<string, string>; limits: Record<string, string> } {
  const limits: Record<string, string> = { memory: `${r.memoryLimitMebibytes}Mi` };
  if (r.cpuLimitMillis !== undefined) limits.cpu = `${r.cpuLimitMillis}m`;
  return { requests: { cpu: `${r.cpuRequestMillis}m`, memory: `${r.memoryRequestMebibytes}Mi` }, limits };
}
