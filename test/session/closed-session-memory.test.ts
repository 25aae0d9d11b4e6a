/**
 * What a closed session keeps alive. The last closed session of the process is kept on purpose,
 * for V8's hidden classes (src/orm/session/kept-shapes.ts), with the last transaction it ended:
 * neither may hold an object of the application's. Each object is watched with a WeakRef and
 * must be collected once the test drops it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DeclarativeBase, column, integer, model, string, select, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

class KeptBase extends DeclarativeBase {}

@model("kept_notes")
class KeptNote extends KeptBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor body!: string;
}

/**
 * Whether every watched object is gone after a full collection. Each collection runs in a job of
 * its own: a WeakRef keeps its target alive until the end of the job that made or dereferenced it.
 */
async function allCollected(refs: readonly WeakRef<object>[]): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    if (refs.every((ref) => ref.deref() === undefined)) return true;
  }
  return false;
}

forEachDatabaseWithSchema("a closed session keeps no object", KeptBase.metadata, (ctx) => {
  /** Runs `work` in a fresh session, closes it, and returns WeakRefs to the objects it made. */
  async function closedAfter(work: (session: Session) => Promise<object[]>): Promise<WeakRef<object>[]> {
    const session = ctx.session();
    const objects = await work(session);
    await session.close();
    return objects.map((obj) => new WeakRef(obj));
  }

  test("objects inserted, updated and deleted in committed transactions are collected once the session is closed", async () => {
    const refs = await closedAfter(async (session) => {
      const notes = Array.from({ length: 3 }, (_, i) => Object.assign(new KeptNote(), { id: 100 + i, body: `note ${i}` }));
      session.addAll(notes);
      await session.commit();
      notes[0]!.body = "edited";
      session.delete(notes[1]!);
      await session.commit(); // the last transaction's records: an UPDATE and a DELETE
      return notes;
    });
    assert.ok(await allCollected(refs), "an object of a closed session is still alive");
  });

  test("objects loaded and changed in a transaction that the close rolls back are collected", async () => {
    const first = ctx.session();
    first.add(Object.assign(new KeptNote(), { id: 1, body: "one" }));
    await first.commit();
    await first.close();
    const refs = await closedAfter(async (session) => {
      const [note] = await session.scalars(select(KeptNote));
      note!.body = "changed, then rolled back";
      await session.flush(); // in the transaction the close rolls back
      return [note!];
    });
    assert.ok(await allCollected(refs), "an object of a closed session is still alive");
  });
}, { createOnce: true });
