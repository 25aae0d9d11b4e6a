/**
 * Deleting the parent of a write-only collection without `passiveDeletes`: the members the session
 * does not hold are deleted (delete cascade) or unlinked by one statement, never read as objects;
 * the members it holds are handled one by one, so that their objects follow (and a rollback puts
 * them back). Where one statement would skip something (the members' own cascades, a version
 * column, hooks, under a delete cascade a member with changes whose key the session does not
 * know) the members are read as before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeclarativeBase,
  IntegrityError,
  StaleDataError,
  WriteOnlyCollection,
  beforeDelete,
  column,
  inspect,
  integer,
  manyToOne,
  model,
  oneToMany,
  sql,
  string,
  type Rel,
} from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class SbBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    SbBoard: SbBoard;
    SbPost: SbPost;
    SbPin: SbPin;
    SbThread: SbThread;
    SbReply: SbReply;
    SbDraft: SbDraft;
    SbAudit: SbAudit;
    SbNote: SbNote;
  }
}

/** Hooks that ran, by SbAudit's beforeDelete. */
const audited: number[] = [];

@model("sb_boards")
class SbBoard extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  // Deleted with their board: one DELETE.
  @oneToMany("SbPost", { backPopulates: "board", lazy: "writeOnly", cascade: "all" }) accessor posts!: Rel<WriteOnlyCollection<SbPost>, "board">;
  // Outlive their board: one UPDATE clears their key.
  @oneToMany("SbPin", { backPopulates: "board", lazy: "writeOnly" }) accessor pins!: Rel<WriteOnlyCollection<SbPin>, "board">;
  // Threads have replies of their own (a delete cascade): read, so that the replies go too.
  @oneToMany("SbThread", { backPopulates: "board", lazy: "writeOnly", cascade: "all" }) accessor threads!: Rel<WriteOnlyCollection<SbThread>, "board">;
  // Versioned: each row is deleted at the version read.
  @oneToMany("SbDraft", { lazy: "writeOnly", cascade: "all" }) accessor drafts!: WriteOnlyCollection<SbDraft>;
  // A beforeDelete hook: each member's runs.
  @oneToMany("SbAudit", { lazy: "writeOnly", cascade: "all" }) accessor audits!: WriteOnlyCollection<SbAudit>;
  // A key that cannot be cleared (NOT NULL), and no delete cascade.
  @oneToMany("SbNote", { lazy: "writeOnly" }) accessor notes!: WriteOnlyCollection<SbNote>;
}

@model("sb_posts")
class SbPost extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("board_id").notNull().references("sb_boards.id")) accessor boardId!: number;
  @manyToOne("SbBoard", { backPopulates: "posts" }) accessor board!: Rel<SbBoard, "posts">;
}

@model("sb_pins")
class SbPin extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").references("sb_boards.id")) accessor boardId!: number | null;
  @manyToOne("SbBoard", { backPopulates: "pins" }) accessor board!: Rel<SbBoard | null, "pins">;
}

@model("sb_threads")
class SbThread extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").notNull().references("sb_boards.id")) accessor boardId!: number;
  @manyToOne("SbBoard", { backPopulates: "threads" }) accessor board!: Rel<SbBoard, "threads">;
  @oneToMany("SbReply", { lazy: "writeOnly", cascade: "all" }) accessor replies!: WriteOnlyCollection<SbReply>;
}

@model("sb_replies")
class SbReply extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("thread_id").notNull().references("sb_threads.id")) accessor threadId!: number;
}

@model("sb_drafts", { version: "version" })
class SbDraft extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").notNull().references("sb_boards.id")) accessor boardId!: number;
  @column(integer()) accessor version!: number | null;
}

@model("sb_audits")
class SbAudit extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").notNull().references("sb_boards.id")) accessor boardId!: number;

  @beforeDelete
  deleting(): void {
    audited.push(this.id);
  }
}

@model("sb_notes")
class SbNote extends SbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").notNull().references("sb_boards.id")) accessor boardId!: number;
}

async function ids(ctx: SessionContext, query: string): Promise<number[]> {
  const result = await ctx.engine.withConnection((conn) => conn.run(query));
  return (result.rows as Record<string, unknown>[]).map((row) => Number(Object.values(row)[0]));
}

/** Board 1: posts 1-4, pins 1-3, thread 1 (replies 1-2), drafts 1-2, audits 1-2. Board 2: post 5, pin 4. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const one = Object.assign(new SbBoard(), { id: 1 });
  const two = Object.assign(new SbBoard(), { id: 2 });
  one.posts.addAll([1, 2, 3, 4].map((id) => Object.assign(new SbPost(), { id, title: `p${id}` })));
  two.posts.add(Object.assign(new SbPost(), { id: 5, title: "p5" }));
  one.pins.addAll([1, 2, 3].map((id) => Object.assign(new SbPin(), { id })));
  two.pins.add(Object.assign(new SbPin(), { id: 4 }));
  const thread = Object.assign(new SbThread(), { id: 1 });
  thread.replies.addAll([1, 2].map((id) => Object.assign(new SbReply(), { id })));
  one.threads.add(thread);
  one.drafts.addAll([1, 2].map((id) => Object.assign(new SbDraft(), { id })));
  one.audits.addAll([1, 2].map((id) => Object.assign(new SbAudit(), { id })));
  session.addAll([one, two]);
  await session.commit();
  await session.close();
}

/** The SELECTs of `table` that read its rows, not the one asking which of the session's objects are members (their keys only). */
const reads = (statements: readonly string[], table: string) => of(statements, "SELECT", table).filter((s) => !/^SELECT\s+\S+\.\W?id\W?\s+FROM\b/i.test(s));
const of = (statements: readonly string[], verb: string, table: string) => statements.filter((s) => new RegExp(`^${verb}\\b`, "i").test(s) && new RegExp(`\\b${table}\\b`).test(s));

forEachDatabaseWithSchema("write-only collections: deleting the parent without passiveDeletes", SbBase.metadata, (ctx) => {
  test("members not in the session: one DELETE under a delete cascade, one UPDATE clearing the key otherwise; none is read", async () => {
    await seed(ctx);
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    ctx.reset();
    session.delete(board);
    await session.flush();
    const log = ctx.statements.join("\n");
    assert.deepEqual(of(ctx.statements, "SELECT", "sb_posts"), [], log);
    assert.deepEqual(of(ctx.statements, "SELECT", "sb_pins"), [], log);
    assert.equal(of(ctx.statements, "DELETE", "sb_posts").length, 1, log);
    assert.equal(of(ctx.statements, "UPDATE", "sb_pins").length, 1, log);
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts ORDER BY id"), [5]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_pins WHERE board_id IS NULL ORDER BY id"), [1, 2, 3]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_pins WHERE board_id = 2"), [4]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_boards"), [2]);
  });

  test("members the session holds are handled one by one and their objects follow; the statement leaves their rows out", async () => {
    await seed(ctx);
    const session = ctx.session({ expireOnCommit: false });
    const board = (await session.get(SbBoard, 1))!;
    const post = (await session.get(SbPost, 2))!;
    const pin = (await session.get(SbPin, 1))!;
    const queued = Object.assign(new SbPost(), { id: 9, title: "new" });
    board.posts.add(queued);
    ctx.reset();
    session.delete(board);
    await session.flush();
    const log = ctx.statements.join("\n");
    assert.deepEqual(reads(ctx.statements, "sb_posts"), [], log);
    assert.ok(of(ctx.statements, "DELETE", "sb_posts").some((s) => /NOT IN/i.test(s)), `the statement leaves post 2 out: ${log}`);
    assert.equal(inspect(post).status, "deleted");
    assert.equal(pin.boardId, null);
    assert.equal(inspect(pin).modified.length, 0, "the cleared key is written, not pending");
    assert.ok(!of(ctx.statements, "INSERT", "sb_posts").length, `the queued member is never inserted: ${log}`);
    await session.commit();
    assert.equal(inspect(post).status, "detached");
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts ORDER BY id"), [5]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_pins WHERE board_id IS NULL ORDER BY id"), [1, 2, 3]);
  });

  test("a rollback after the flush puts everything back: rows, the deleted member, the cleared key", async () => {
    await seed(ctx);
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    const post = (await session.get(SbPost, 2))!;
    const pin = (await session.get(SbPin, 1))!;
    session.delete(board);
    await session.flush();
    assert.equal(inspect(post).status, "deleted");
    assert.equal(pin.boardId, null);
    await session.rollback();
    assert.equal(inspect(board).status, "persistent");
    assert.equal(inspect(post).status, "persistent");
    await session.refresh(pin);
    await session.refresh(post);
    assert.equal(pin.boardId, 1);
    assert.equal(post.boardId, 1);
    await session.rollback(); // the connection back (SQLite's in-memory database has one)
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts WHERE board_id = 1 ORDER BY id"), [1, 2, 3, 4]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_pins WHERE board_id = 1 ORDER BY id"), [1, 2, 3]);
    // Nothing half-applied: the same delete, done again, writes it all once.
    session.delete(board);
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts ORDER BY id"), [5]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_pins WHERE board_id IS NULL ORDER BY id"), [1, 2, 3]);
  });

  test("a member moved to another parent in memory goes there, not with the deleted parent", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [board, other] = [(await session.get(SbBoard, 1))!, (await session.get(SbBoard, 2))!];
    const post = (await session.get(SbPost, 3))!;
    const pin = (await session.get(SbPin, 2))!;
    post.board = other;
    pin.board = other;
    session.delete(board);
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts ORDER BY id"), [3, 5]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_pins WHERE board_id = 2 ORDER BY id"), [2, 4]);
  });

  test("members with their own cascades, a version column or hooks: read, and handled one by one", async () => {
    await seed(ctx);
    audited.length = 0;
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    ctx.reset();
    session.delete(board);
    await session.commit();
    const log = ctx.statements.join("\n");
    for (const table of ["sb_threads", "sb_drafts", "sb_audits"]) assert.equal(of(ctx.statements, "SELECT", table).length, 1, `${table} read: ${log}`);
    assert.deepEqual(of(ctx.statements, "SELECT", "sb_posts"), [], log);
    assert.deepEqual(await ids(ctx, "SELECT COUNT(*) FROM sb_replies"), [0]);
    assert.deepEqual(await ids(ctx, "SELECT COUNT(*) FROM sb_drafts"), [0]);
    assert.deepEqual(audited.sort(), [1, 2]);
  });

  test("members the session holds expired (after a commit): one statement all the same; which objects are members is asked by their keys, and a deleted one's object goes", async () => {
    await seed(ctx);
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    const post = (await session.get(SbPost, 2))!;
    const other = (await session.get(SbPost, 5))!;
    const pin = (await session.get(SbPin, 3))!;
    await session.commit(); // everything expired, the foreign keys too
    ctx.reset();
    session.delete(board);
    await session.flush();
    const log = ctx.statements.join("\n");
    assert.deepEqual(reads(ctx.statements, "sb_posts"), [], log);
    assert.deepEqual(reads(ctx.statements, "sb_pins"), [], log);
    assert.equal(of(ctx.statements, "SELECT", "sb_posts").length, 1, `one SELECT of the held posts' keys: ${log}`);
    assert.equal(of(ctx.statements, "DELETE", "sb_posts").length, 2, `one statement, and post 2 by its key: ${log}`);
    await session.commit();
    assert.equal(inspect(post).status, "detached");
    await session.refresh(other);
    await session.refresh(pin);
    assert.equal(other.boardId, 2);
    assert.equal(pin.boardId, null);
    await session.rollback(); // the connection back (SQLite's in-memory database has one)
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts ORDER BY id"), [5]);
  });

  test("an expired member with a change of its own to write: found a member by its key (no read of the members), and deleted once", async () => {
    await seed(ctx);
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    const post = (await session.get(SbPost, 2))!;
    await session.commit();
    post.title = "changed";
    ctx.reset();
    session.delete(board);
    await session.commit();
    assert.equal(of(ctx.statements, "SELECT", "sb_posts").length, 1, ctx.statements.join("\n"));
    assert.deepEqual(reads(ctx.statements, "sb_posts"), [], ctx.statements.join("\n"));
    assert.equal(inspect(post).status, "detached");
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_posts ORDER BY id"), [5]);
  });

  test("members whose key cannot be cleared (NOT NULL): the flush fails and nothing is written", async () => {
    await seed(ctx);
    const setup = ctx.session();
    (await setup.get(SbBoard, 1))!.notes.add(Object.assign(new SbNote(), { id: 1 }));
    await setup.commit();
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    session.delete(board);
    await assert.rejects(session.flush(), IntegrityError);
    await session.rollback();
    assert.deepEqual(await ids(ctx, "SELECT COUNT(*) FROM sb_posts WHERE board_id = 1"), [4]);
    assert.deepEqual(await ids(ctx, "SELECT COUNT(*) FROM sb_pins WHERE board_id = 1"), [3]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM sb_boards ORDER BY id"), [1, 2]);
  });

  test("a versioned member changed by another transaction since: StaleDataError, nothing deleted", async () => {
    await seed(ctx);
    const session = ctx.session();
    const board = (await session.get(SbBoard, 1))!;
    const draft = (await session.get(SbDraft, 1))!;
    // Another writer, in effect (on SQLite's single in-memory connection, the same transaction).
    await session.execute(sql`UPDATE sb_drafts SET version = 5 WHERE id = 1`);
    assert.equal(draft.version, 1);
    session.delete(board);
    await assert.rejects(session.commit(), StaleDataError);
    await session.rollback();
    assert.deepEqual(await ids(ctx, "SELECT COUNT(*) FROM sb_posts"), [5]);
  });
}, { createOnce: true });
