/**
 * The connections an engine's pool has handed out, each with who holds it and since when: one
 * Map entry per checkout, so that a pool timeout, or a dispose that finds connections never
 * returned, can name their holders.
 */
import { PoolTimeoutError, type ConnectionHolder } from "../core/pool-errors.js";

export interface Checkout {
  /** The label given to `connect({ holder })`. */
  readonly label: string | undefined;
  /**
   * Otherwise where `connect()` was called: an Error made before its first `await` (after it only
   * the async frames are left). It records the stack when made; the text is built only if read.
   */
  readonly site: Error | undefined;
  readonly since: number;
}

/** athanor's own source folder (src/ or dist/) as stack frames name it: frames inside it are not the caller. */
const OWN_PATHS = ownPaths();

/**
 * The folder from this module's URL, and as a stack trace of this module names it: under `node
 * --enable-source-maps` a frame of dist/ names the src/ file its source map points to, and the
 * caller used to be reported as athanor's own `Engine.connect`.
 */
function ownPaths(): string[] {
  const root = new URL("../", import.meta.url);
  const paths = [root.href, decodeURIComponent(root.pathname)];
  const here = /\(?((?:file:\/\/)?[^()]+?)engine[/\\]checkouts\.[cm]?[jt]s:\d+:\d+\)?$/.exec(new Error().stack?.split("\n")[1]?.trim() ?? "");
  if (here && !paths.includes(here[1]!)) paths.push(here[1]!);
  return paths;
}

export class Checkouts<K> {
  private readonly held = new Map<K, Checkout>();
  private emptied: (() => void) | undefined;

  get size(): number {
    return this.held.size;
  }

  add(key: K, label: string | undefined, site: Error | undefined): void {
    this.held.set(key, { label, site, since: Date.now() });
  }

  remove(key: K): void {
    if (this.held.delete(key) && this.held.size === 0) this.emptied?.();
  }

  keys(): K[] {
    return [...this.held.keys()];
  }

  /** Resolves when every connection is back, or after `ms`, whichever comes first. */
  async whenEmpty(ms: number): Promise<void> {
    if (this.held.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.emptied = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.emptied = undefined;
  }

  /** Who holds `key` (its label, or where `connect()` was called); undefined once it is back. */
  holderOf(key: K): string | undefined {
    const checkout = this.held.get(key);
    return checkout && (checkout.label ?? callerOf(checkout.site!));
  }

  /** The holders, longest held first. */
  holders(now = Date.now()): ConnectionHolder[] {
    return [...this.held.values()]
      .sort((a, b) => a.since - b.since)
      .map((c) => ({ holder: c.label ?? callerOf(c.site!), heldMs: now - c.since }));
  }
}

/** The first stack frame outside athanor: the code that called `connect()`. */
function callerOf(site: Error): string {
  const frames = (site.stack ?? "").split("\n").slice(1);
  const outside = frames.find((frame) => !OWN_PATHS.some((own) => frame.includes(own)) && !frame.includes("node:internal"));
  return outside ? outside.trim().replace(/^at /, "connect() called at ") : "engine.connect()";
}

/** `"Session #3" (held 1.2 s), ...`: at most `limit` named, the rest counted. */
export function describeHolders(holders: readonly ConnectionHolder[], limit = 10): string {
  const named = holders.slice(0, limit).map((h) => `${h.holder} (held ${(h.heldMs / 1000).toFixed(1)} s)`);
  if (holders.length > limit) named.push(`and ${holders.length - limit} more`);
  return named.join("; ");
}

/** @internal No connection became free in time: the error names who holds them. */
export function poolTimeout<K>(size: number, timeoutMs: number, checkouts: Checkouts<K>): PoolTimeoutError {
  const holders = checkouts.holders();
  const state =
    holders.length >= size
      ? `all ${size} connection(s) of the pool (pool.max = ${size}) are checked out`
      : `${holders.length} of the pool's ${size} connection(s) are checked out and the database did not open another in time`;
  const heldBy = holders.length ? ` Held by: ${describeHolders(holders)}.` : "";
  return new PoolTimeoutError(
    `No connection became free within ${timeoutMs} ms (pool.acquireTimeoutMs): ${state}.${heldBy} ` +
      `Close each connection and session when done (conn.close(), session.close()), or raise pool.max or pool.acquireTimeoutMs.`,
    size,
    timeoutMs,
    holders,
  );
}
