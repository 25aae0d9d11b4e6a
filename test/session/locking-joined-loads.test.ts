/**
 * A locking read (`forUpdate()`) with a joined load. PostgreSQL refused it ("FOR UPDATE cannot be
 * applied to the nullable side of an outer join"): the joined load's LEFT JOIN was locked with the
 * query. It now locks the rows of the query's own tables (`FOR UPDATE OF`); MariaDB, which has no
 * OF, locks the joined rows too, SQLite none. And the objects such a read loads beside its own
 * (a joined or select-in load, an entity of a table `of` leaves out) used to be recorded as
 * locked, though their rows were not: reading them again took a lock the query had not.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, joinedLoad, select, selectinLoad, type Session } from "../../src/index.js";
import { LibraryBase, RlBook, RlShelf } from "./fixtures/library.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const s = columnsOf(RlShelf);
const b = columnsOf(RlBook);

/** Whether `promise` settles within `ms`: a read waiting for a row lock does not. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How a locking read loads shelf 1 and a book of it: the shelf (locked) and the book (read beside it). */
const lockingReads: Record<string, (session: Session) => Promise<[RlShelf, RlBook]>> = {
  "joinedLoad": async (session) => {
    const [shelf] = await session.scalars(select(RlShelf).where(s.id.eq(1)).options(joinedLoad(RlShelf, "books")).forUpdate());
    return [shelf!, shelf!.books.find((book) => book.id === 1)!];
  },
  "selectinLoad": async (session) => {
    const [shelf] = await session.scalars(select(RlShelf).where(s.id.eq(1)).options(selectinLoad(RlShelf, "books")).forUpdate());
    return [shelf!, shelf!.books.find((book) => book.id === 1)!];
  },
  "a tuple with forUpdate({ of: RlShelf })": async (session) => {
    const rows = await session.execute(select(RlShelf, RlBook).join(RlBook).where(s.id.eq(1)).orderBy(b.id).forUpdate({ of: RlShelf }));
    const [shelf, book] = (rows as unknown as [RlShelf, RlBook][])[0]!;
    return [shelf, book];
  },
};

forEachDatabaseWithSchema(
  "locking reads with joined loads",
  LibraryBase.metadata,
  (ctx) => {
    const seed = async () => {
      const session = ctx.session();
      const shelf = Object.assign(new RlShelf(), { id: 1 });
      shelf.books.push(Object.assign(new RlBook(), { id: 1, title: "a" }), Object.assign(new RlBook(), { id: 2, title: "b" }));
      session.add(shelf);
      await session.commit();
    };
    const noLocks = ctx.db.name === "sqlite" && "SQLite has no row locks";

    test("forUpdate() with a joined collection loads it and locks the queried rows: another session's lock waits for the commit", async () => {
      await seed();
      const mine = ctx.session();
      const [shelf] = await mine.scalars(select(RlShelf).where(s.id.eq(1)).options(joinedLoad(RlShelf, "books")).forUpdate());
      assert.deepEqual(shelf!.books.map((book) => book.title).sort(), ["a", "b"]);
      if (noLocks) return mine.commit();
      const other = ctx.session();
      const waiting = other.scalars(select(RlShelf).where(s.id.eq(1)).forUpdate());
      assert.equal(await settlesWithin(waiting, 500), false, "the shelf's row is locked");
      shelf!.books[0]!.title = "a2";
      await mine.commit();
      await waiting;
      await other.commit();
    });

    test("PostgreSQL locks only the queried table's rows (FOR UPDATE OF): the joined collection's rows stay free", { skip: ctx.db.name !== "postgresql" && "MariaDB has no FOR UPDATE OF (it locks them too), SQLite no row locks" }, async () => {
      await seed();
      const mine = ctx.session();
      ctx.reset();
      await mine.scalars(select(RlShelf).where(s.id.eq(1)).options(joinedLoad(RlShelf, "books")).forUpdate());
      assert.match(ctx.statements[0]!, /FOR UPDATE OF "rl_shelves"$/);
      const other = ctx.session();
      const book = other.scalars(select(RlBook).where(b.id.eq(1)).forUpdate());
      assert.equal(await settlesWithin(book, 5000), true, "a joined book's row is not locked");
      await other.commit();
      await mine.commit();
    });

    test("forUpdate({ of }) with the query's own outer join runs on every database", async () => {
      await seed();
      const mine = ctx.session();
      // No condition on the books: PostgreSQL would make a LEFT JOIN filtered by them an inner one.
      const shelves = await mine.scalars(select(RlShelf).leftJoin(RlBook).where(s.id.eq(1)).forUpdate({ of: RlShelf }));
      assert.deepEqual(shelves.map((shelf) => shelf.id), [1, 1], "one row per book");
      await mine.commit();
    });

    for (const [how, read] of Object.entries(lockingReads)) {
      test(`${how}: only the objects whose rows the read locked are read again under a lock`, { skip: noLocks }, async () => {
        await seed();
        const mine = ctx.session();
        const [shelf, book] = await read(mine);
        ctx.reset();
        await mine.refresh(book);
        assert.ok(ctx.statements.every((sql) => !/FOR UPDATE/.test(sql)), `the book was not locked:\n${ctx.statements.join("\n")}`);
        ctx.reset();
        await mine.refresh(shelf);
        assert.match(ctx.statements[0]!, /rl_shelves.*FOR UPDATE/, "the shelf was");
        await mine.commit();
      });
    }
  }, { createOnce: true },
);
