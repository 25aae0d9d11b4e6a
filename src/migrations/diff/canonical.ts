/**
 * Structural equality of plain model data: JSON text with keys sorted and `undefined` fields left
 * out, so that `{ a: 1 }` and `{ a: 1, b: undefined }` (or two key orders) compare equal.
 */

/** The canonical JSON text of a model value (sorted keys, no `undefined` fields). */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Whether two model values are structurally equal (see `canonical`). */
export function sameData(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
