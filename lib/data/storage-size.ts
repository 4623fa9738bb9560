/** A Kubernetes quantity with a unit: binary (Ki…Ei) or decimal (k, M, G, T, P, E). */
const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$/;

/**
 * Problems with a volume size such as `20Gi`. A bare number is a valid quantity but means bytes, so it is
 * refused along with the common `GB`/`gb` spellings the API server rejects outright.
 */
export function checkStorageSize(value: unknown, field: string): { field: string; value: unknown; message: string; fix: string }[] {
  const fix = 'write a Kubernetes quantity with a unit, e.g. "20Gi" (binary) or "20G" (decimal)';
  if (typeof value !== 'string') return [{ field, value, message: 'must be a quantity string', fix }];
  const match = QUANTITY.exec(value);
  if (!match) {
    if (/^[0-9]+(\.[0-9]+)?$/.test(value)) return [{ field, value, message: 'has no unit, so it would mean bytes', fix }];
    return [{ field, value, message: 'is not a Kubernetes quantity: a number and one of the units Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, without spaces ("GB" is not a unit)', fix }];
  }
  if (Number(match[1]) <= 0) return [{ field, value, message: 'must be larger than zero', fix }];
  return [];
}
