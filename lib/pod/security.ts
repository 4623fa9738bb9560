/**
 * Opt-outs from the Pod Security Standards "restricted" defaults. Everything is locked down unless a
 * field here says otherwise; `runAsNonRoot`, dropped capabilities, no privilege escalation and the
 * RuntimeDefault seccomp profile are not optional, because the restricted profile requires them.
 */
export interface PodSecurityOptions {
  /** UID the containers run as. @default 65532 (the distroless "nonroot" user) */
  readonly runAsUser?: number;
  /** GID the containers run as, and the fsGroup of mounted volumes. @default 65532 */
  readonly runAsGroup?: number;
  /** Mount the root filesystem read-only; a writable emptyDir is mounted at /tmp. @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Mount the ServiceAccount token into pods. @default false: most workloads never call the API server */
  readonly automountServiceAccountToken?: boolean;
}

/** The pod-level securityContext. */
export function podSecurityContext(options: PodSecurityOptions = {}): Record<string, unknown> {
  const group = options.runAsGroup ?? 65532;
  return {
    runAsNonRoot: true,
    runAsUser: options.runAsUser ?? 65532,
    runAsGroup: group,
    fsGroup: group,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container-level securityContext. */
export function containerSecurityContext(options: PodSecurityOptions = {}): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Problems with the security opt-outs. */
export function checkPodSecurity(options: PodSecurityOptions | undefined): { field: string; value: unknown; message: string; fix: string }[] {
  const out: { field: string; value: unknown; message: string; fix: string }[] = [];
  for (const key of ['runAsUser', 'runAsGroup'] as const) {
    const v = options?.[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      out.push({ field: `security.${key}`, value: v, message: 'must be a non-zero whole number: the restricted profile forbids running as root', fix: `set ${key} to a non-root id such as 65532` });
    }
  }
  return out;
}
