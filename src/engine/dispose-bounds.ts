/**
 * The bounds of `engine.dispose()`: how long it waits for connections and for the driver's pool,
 * so that a server gone silent cannot hold it for ever.
 */
import type { Driver } from "./driver.js";

/**
 * Closes the driver's pool. Connections returned are reset (their session's cleanup) before the
 * pool takes them back, and its end waits for that: a reset a silent server never answers held
 * dispose() up to `pool.connectTimeoutMs`, or for ever. Past `ms` their sockets are closed
 * (nothing is lost: the server rolls back whatever the session held), and the end waited for as
 * long again at most.
 */
export async function closeDriver(driver: Driver, ms: number): Promise<void> {
  const closing = driver.dispose();
  if (await settledWithin([closing], ms)) return void (await closing);
  closing.catch(() => undefined); // settled later, or never: nobody waits for it then
  driver.closeResets?.();
  await settledWithin([closing], ms);
}

/** Waits for the promises, but not longer than `ms`; whether they all settled. */
export async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (!promises.length) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
