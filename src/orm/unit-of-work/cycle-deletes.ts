/**
 * Rows deleted in one flush that reference each other in a cycle: a folder naming its favourite
 * file, the file naming its folder; a parent naming its favourite child. Tables are deleted in
 * reverse dependency order, children first, which a cycle defeats: one of its foreign keys points
 * at a row deleted before its own, and the DELETE failed on the foreign key (MariaDB checks each
 * row, so even one statement deleting both failed there). Such a key, if it can be NULL, is
 * cleared by an UPDATE first (SQLAlchemy's post-update), so that every DELETE finds nothing
 * naming its row.
 */
import { identityKeyOf } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { peelDeletes } from "./deletes.js";
import { setAttribute } from "./key-sync.js";
import { updateState, type PersistContext } from "./persister.js";

/**
 * Clears, with an UPDATE before the deletes, the nullable many-to-one keys of rows to delete that
 * name a row deleted before theirs: of a table later in `order` (deleted first), or of their own
 * table in a cycle of its rows. Nothing to do (no statement, no pass) without such a pair.
 */
export async function clearKeysBetweenDeleted(ctx: PersistContext, order: readonly Mapper[], deletingBy: ReadonlyMap<Mapper, InstanceState[]>): Promise<void> {
  if (deletingBy.size === 0) return;
  const position = new Map(order.map((mapper, i) => [mapper, i]));
  for (const [mapper, states] of deletingBy) {
    for (const rel of mapper.flushedRelationships.manyToOne) {
      const target = rel.resolved.target;
      const targets = deletingBy.get(target);
      if (targets === undefined || !rel.resolved.pairs.every(([fk]) => fk.nullable)) continue;
      let rows: readonly InstanceState[];
      if (target === mapper) rows = peelDeletes(states).cyclic;
      else if (position.get(target)! > position.get(mapper)!) rows = states;
      else continue;
      if (rows.length === 0) continue;
      const pairs = rel.attributePairs;
      const deletedKeys = new Set(targets.map((t) => identityKeyOf(pairs.map(([, key]) => key), storedRecord(t, pairs.map(([, key]) => key)))));
      for (const state of rows) {
        const fks = pairs.map(([fk]) => fk);
        const named = storedRecord(state, fks);
        if (fks.some((fk) => named[fk] === null || named[fk] === undefined)) continue;
        // Keyed by the target's attribute names, to compare with the deleted rows' keys.
        const asTarget: Record<string, unknown> = {};
        pairs.forEach(([fk, key]) => (asTarget[key] = named[fk]));
        if (!deletedKeys.has(identityKeyOf(pairs.map(([, key]) => key), asTarget))) continue;
        for (const fk of fks) setAttribute(state, fk, null, []);
        await updateState(ctx, mapper, state, mapper.versionAttribute);
      }
    }
  }
}

function storedRecord(state: InstanceState, attrs: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const attr of attrs) record[attr] = storedValue(state, attr);
  return record;
}
