#!/usr/bin/env bash
# Regenerates imports/ from the pinned upstream CRDs in ../shared/crds (see ../shared/crds/SOURCES.md).
# One `cdk8s import` per CRD, each with its own prefix: two CRDs of one API group imported together
# would overwrite one file.
set -euo pipefail
cd "$(dirname "$0")/.."
CRDS="${CRDS_DIR:-../shared/crds}"
rm -rf imports.tmp && mkdir imports.tmp
# `cdk8s import` also appends each import to cdk8s.yaml; keep the committed one as it is.
cp cdk8s.yaml imports.tmp/cdk8s.yaml.keep
trap '[ -f imports.tmp/cdk8s.yaml.keep ] && cp imports.tmp/cdk8s.yaml.keep cdk8s.yaml' EXIT
imports=(
  "rollout=argo-rollouts/rollout-crd.yaml"
  "analysistemplate=argo-rollouts/analysis-template-crd.yaml"
  "scaledobject=keda/keda.sh_scaledobjects.yaml"
  "triggerauthentication=keda/keda.sh_triggerauthentications.yaml"
  "application=argo-cd/application-crd.yaml"
  "appproject=argo-cd/appproject-crd.yaml"
  "httproute=gateway-api/gateway.networking.k8s.io_httproutes.yaml"
  "cnpgcluster=cloudnative-pg/postgresql.cnpg.io_clusters.yaml"
  "scheduledbackup=cloudnative-pg/postgresql.cnpg.io_scheduledbackups.yaml"
  "kustomization=flux-kustomize-controller/kustomize.toolkit.fluxcd.io_kustomizations.yaml"
  "helmrelease=flux-helm-controller/helm.toolkit.fluxcd.io_helmreleases.yaml"
  "gitrepository=flux-source-controller/source.toolkit.fluxcd.io_gitrepositories.yaml"
  "helmrepository=flux-source-controller/source.toolkit.fluxcd.io_helmrepositories.yaml"
  "podmonitor=prometheus-operator/monitoring.coreos.com_podmonitors.yaml"
  "prometheusrule=prometheus-operator/monitoring.coreos.com_prometheusrules.yaml"
  "externalsecret=external-secrets/external-secrets.io_externalsecrets.yaml"
  "certificate=cert-manager/cert-manager.io_certificates.yaml"
)
for entry in "${imports[@]}"; do
  prefix="${entry%%=*}"; file="${entry#*=}"
  echo "import ${prefix} <- ${file}"
  # cdk8s-cli's update check needs the internet and fails offline after the import is written; the
  # file check below is what decides success.
  npx --no-install cdk8s import --language typescript --output imports.tmp "${prefix}:=${CRDS}/${file}" >/dev/null 2>&1 || true
  ls imports.tmp/"${prefix}"-*.ts >/dev/null 2>&1 || { echo "cdk8s import failed for ${file}" >&2; exit 1; }
done
cp imports.tmp/cdk8s.yaml.keep cdk8s.yaml && rm imports.tmp/cdk8s.yaml.keep
rm -rf imports && mv imports.tmp imports
ls imports
