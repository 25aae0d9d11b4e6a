/**
 * `session.refresh(obj, attributes?)`: the object's columns read again (along the refresh-expire
 * cascade), or the named attributes. A row that another transaction deleted raises
 * `ObjectDeletedError`, and the object leaves the session (detached): it used to stay in the
 * identity map as persistent, and `get` of its key returned it with the values of the gone row.
 * Each object refreshed then has its model's `afterLoad` hooks run.
 */
import { ObjectDeletedError } from "../errors.js";
import { runLoadHooks } from "../mapping/model-events.js";
import type { InstanceState } from "../state/instance-state.js";
import type { UnitOfWork } from "../unit-of-work/unit-of-work.js";
import { loadAttributes, type AttributeLoadHost } from "./attribute-loading.js";
import { refreshCascading } from "./expiry.js";

export async function refreshObject(host: AttributeLoadHost, uow: UnitOfWork, state: InstanceState, attributes: readonly string[] | undefined): Promise<void> {
  if (!attributes) {
    const refreshed = (done: InstanceState, gone: boolean, keptChanges?: boolean) => {
      if (gone) return uow.expunge(done);
      if (done.committed === undefined && !keptChanges) uow.modified.delete(done);
      afterLoad(done);
    };
    return refreshCascading(state, (statement) => host.rows(statement), refreshed, host.identity.lockedRows);
  }
  try {
    await loadAttributes(host, state, attributes, true);
  } catch (error) {
    if (error instanceof ObjectDeletedError && state.session !== undefined) uow.expunge(state);
    throw error;
  }
  afterLoad(state);
}

function afterLoad(state: InstanceState): void {
  const hooks = state.mapper.events?.hooks.get("afterLoad");
  if (hooks !== undefined) runLoadHooks(hooks, state.obj);
}
