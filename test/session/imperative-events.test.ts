/**
 * Validators and hooks given to `mapImperatively` (docs/events.md), on SQLite, PostgreSQL and
 * MariaDB, and the mistakes refused with the model and attribute named: a validator of no
 * attribute, one returning undefined, a relationship's validator returning another object, an
 * async afterLoad hook, hooks that keep making objects.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgumentError, InvalidRequestError, Registry, Session, integer, manyToOne, oneToMany, select, string, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const registry = new Registry();
const shelves = table("ie_shelves", registry.metadata, { id: integer().primaryKey(), label: string(50).notNull(), touched: integer().notNull().default(0) });
const books = table("ie_books", registry.metadata, { id: integer().primaryKey(), title: string(100).notNull(), shelfId: integer().references("ie_shelves.id") });

class Shelf {
  declare id: number;
  declare label: string;
  declare touched: number;
  declare books: Book[];
}
class Book {
  declare id: number;
  declare title: string;
  declare shelfId: number | null;
  declare shelf: Shelf | null;
}
const calls: string[] = [];
registry.mapImperatively(Shelf, shelves, {
  properties: { books: oneToMany("Book" as never, { backPopulates: "shelf" }) },
  validators: {
    label(_key, value: string) {
      return value.toUpperCase();
    },
  },
  hooks: {
    beforeUpdate() {
      this.touched += 1;
    },
    afterInsert() {
      calls.push(`inserted ${this.label}`);
    },
  },
});
registry.mapImperatively(Book, books, {
  properties: { shelf: manyToOne("Shelf" as never, { backPopulates: "books" }) },
  validators: {
    shelf(_key, shelf: Shelf | null) {
      if (shelf?.label === "FULL") throw new RangeError("that shelf is full");
      return shelf;
    },
  },
});

forEachDatabaseWithSchema("mapImperatively validators and hooks", registry.metadata, (ctx) => {
  test("validators and hooks given to mapImperatively run as the decorators' do", async () => {
    calls.length = 0;
    const shelf = Object.assign(new Shelf(), { label: "fiction" });
    assert.equal(shelf.label, "FICTION");
    const full = Object.assign(new Shelf(), { label: "full" });
    const book = Object.assign(new Book(), { title: "Emma" });
    assert.throws(() => (book.shelf = full), RangeError);
    assert.equal(book.shelf, null);
    // From the other side of the pair too.
    assert.throws(() => full.books.push(book), RangeError);
    assert.equal(full.books.length, 0);
    book.shelf = shelf;
    const session = ctx.session({ expireOnCommit: false });
    session.add(shelf);
    await session.commit();
    assert.deepEqual(calls, ["inserted FICTION"]);
    shelf.label = "classics";
    await session.commit();
    const read = new Session(ctx.engine);
    const [again] = await read.scalars(select(Shelf));
    assert.deepEqual([again!.label, again!.touched], ["CLASSICS", 1]);
    await read.close();
  });
}, { createOnce: true });

describe("validator and hook mistakes", () => {
  test("a validator of no attribute is refused, naming the model and its attributes", () => {
    const r = new Registry();
    const t = table("ie_things", r.metadata, { id: integer().primaryKey(), name: string(10) });
    class Thing {
      declare id: number;
      declare name: string | null;
    }
    assert.throws(
      () => r.mapImperatively(Thing, t, { validators: { nmae: (_k: string, v: unknown) => v } as never }),
      (error: unknown) => error instanceof ArgumentError && /Thing: a validator names 'nmae', which is not a mapped attribute of the model \(its attributes: id, name\)/.test(error.message),
    );
  });

  test("a validator returning undefined, or a relationship's returning another object, changes nothing", () => {
    const r = new Registry();
    const a = table("ie_a", r.metadata, { id: integer().primaryKey(), name: string(10) });
    const b = table("ie_b", r.metadata, { id: integer().primaryKey(), aId: integer().references("ie_a.id") });
    class A {
      declare id: number;
      declare name: string | null;
      declare bs: B[];
    }
    class B {
      declare id: number;
      declare a: A | null;
    }
    r.mapImperatively(A, a, { properties: { bs: oneToMany("B" as never, { backPopulates: "a" }) }, validators: { name: () => undefined } });
    r.mapImperatively(B, b, { properties: { a: manyToOne("A" as never, { backPopulates: "bs" }) }, validators: { a: () => new A() } });
    const one = new A();
    assert.throws(() => (one.name = "x"), (error: unknown) => error instanceof ArgumentError && /A\.name: its validator name\(\) returned undefined/.test(error.message));
    assert.equal(one.name, null);
    const child = new B();
    assert.throws(() => (child.a = one), (error: unknown) => error instanceof ArgumentError && /B\.a.*returned another value than the object it was given/.test(error.message));
    assert.equal(child.a, null);
    assert.equal(one.bs.length, 0);
  });

  test("an async afterLoad hook is refused when declared", () => {
    const r = new Registry();
    const t = table("ie_loaded", r.metadata, { id: integer().primaryKey() });
    class Loaded {}
    assert.throws(() => r.mapImperatively(Loaded, t, { hooks: { afterLoad: async () => undefined } }), /afterLoad hook afterLoad: it runs while rows are read, which cannot wait for it/);
  });
});

forEachDatabaseWithSchema("hooks that keep making objects", registry.metadata, (ctx) => {
  test("a beforeInsert hook whose objects' hooks make more is stopped with an error; nothing written", async () => {
    const r = new Registry();
    const t = table("ie_chain", r.metadata, { id: integer().primaryKey() });
    await r.metadata.createAll(ctx.engine);
    class Link {}
    let session: Session;
    r.mapImperatively(Link, t, { hooks: { beforeInsert: () => session.add(new Link()) } });
    session = ctx.session();
    session.add(new Link());
    await assert.rejects(session.commit(), (error: unknown) => error instanceof InvalidRequestError && /kept adding or changing objects for 100 rounds/.test(error.message));
    assert.equal(await ctx.count("ie_chain"), 0);
    await r.metadata.dropAll(ctx.engine);
  });
}, { createOnce: true });
