/**
 * Work of another request of the application, run from inside a `sessionMaker().transaction(fn)`
 * test: `fn`'s async context marks every commit made through athanor inside it as `fn`'s own (and
 * then a retryable error is not retried: `NotRetriedAfterCommitError`). A test that makes another
 * transaction interfere from inside `fn` runs it here, in the context this module was loaded in,
 * outside any `fn`, as a concurrent request would.
 */
import { AsyncResource } from "node:async_hooks";

const outside = AsyncResource.bind(<T>(work: () => Promise<T>): Promise<T> => work());

/** Runs `work` outside the async context of any `sessionMaker().transaction(fn)`. */
export function asAnotherRequest<T>(work: () => Promise<T>): Promise<T> {
  return outside(work) as Promise<T>;
}
