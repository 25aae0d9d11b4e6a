/** Migration ids: `<UTC timestamp>_<slug of the message>`, unique enough and sorted by time. */

/**
 * The id of a new migration: its UTC timestamp, then the message as a slug.
 *
 * ```ts
 * migrationId(new Date("2026-12-04T19:23:00Z"), "Add books"); // "20261204192300_add_books"
 * ```
 */
export function migrationId(date: Date, message: string): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp =
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
  const slug = message
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 60)
    .replace(/_+$/, "");
  return slug ? `${stamp}_${slug}` : stamp;
}
