/**
 * Deleting the parent of a write-only collection with one statement for the members the session
 * does not hold: which of the session's objects are members is asked of the database. Taken from
 * their foreign keys in memory, an object whose key was not loaded (expired, deferred) or was
 * changed by another transaction since it was read had its row deleted or unlinked behind its
 * back: a later UPDATE of it matched no row (a false StaleDataError), its object went on showing a
 * row that was gone or a key the row no longer held, or it was left out of the statement and the
 * parent's DELETE failed on its foreign key. Each case is checked against the per-object path (the
 * same models with a hook, which makes the flush read the members): the same rows, the same objects.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeclarativeBase,
  WriteOnlyCollection,
  beforeDelete,
  beforeUpdate,
  column,
  defer,
  inspect,
  integer,
  joinedLoad,
  manyToOne,
  model,
  oneToMany,
  select,
  sql,
  string,
  type Rel,
  type Session,
} from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class HmBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    HmBoard: HmBoard;
    HmAuthor: HmAuthor;
    HmPin: HmPin;
    HmPost: HmPost;
    HrBoard: HrBoard;
    HrAuthor: HrAuthor;
    HrPin: HrPin;
    HrPost: HrPost;
    HmNode: HmNode;
    HrNode: HrNode;
  }
}

// One statement for the members the session does not hold.
@model("hm_boards")
class HmBoard extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("HmPin", { backPopulates: "board", lazy: "writeOnly" }) accessor pins!: Rel<WriteOnlyCollection<HmPin>, "board">;
  @oneToMany("HmPost", { backPopulates: "board", lazy: "writeOnly", cascade: "all" }) accessor posts!: Rel<WriteOnlyCollection<HmPost>, "board">;
}

@model("hm_authors")
class HmAuthor extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("HmPost", { backPopulates: "author" }) accessor posts!: Rel<HmPost[], "author">;
}

@model("hm_pins")
class HmPin extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20)) accessor label!: string | null;
  @column(integer().named("board_id").references("hm_boards.id")) accessor boardId!: number | null;
  @manyToOne("HmBoard", { backPopulates: "pins" }) accessor board!: Rel<HmBoard | null, "pins">;
}

@model("hm_posts")
class HmPost extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20)) accessor title!: string | null;
  @column(integer().named("board_id").notNull().references("hm_boards.id")) accessor boardId!: number;
  @column(integer().named("author_id").references("hm_authors.id")) accessor authorId!: number | null;
  @manyToOne("HmBoard", { backPopulates: "posts" }) accessor board!: Rel<HmBoard, "posts">;
  @manyToOne("HmAuthor", { backPopulates: "posts" }) accessor author!: Rel<HmAuthor | null, "posts">;
}

// The oracle: the same models, whose hooks make the flush read the members and handle each.
@model("hr_boards")
class HrBoard extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("HrPin", { backPopulates: "board", lazy: "writeOnly" }) accessor pins!: Rel<WriteOnlyCollection<HrPin>, "board">;
  @oneToMany("HrPost", { backPopulates: "board", lazy: "writeOnly", cascade: "all" }) accessor posts!: Rel<WriteOnlyCollection<HrPost>, "board">;
}

@model("hr_authors")
class HrAuthor extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("HrPost", { backPopulates: "author" }) accessor posts!: Rel<HrPost[], "author">;
}

@model("hr_pins")
class HrPin extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20)) accessor label!: string | null;
  @column(integer().named("board_id").references("hr_boards.id")) accessor boardId!: number | null;
  @manyToOne("HrBoard", { backPopulates: "pins" }) accessor board!: Rel<HrBoard | null, "pins">;

  @beforeUpdate
  updating(): void {}
}

@model("hr_posts")
class HrPost extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20)) accessor title!: string | null;
  @column(integer().named("board_id").notNull().references("hr_boards.id")) accessor boardId!: number;
  @column(integer().named("author_id").references("hr_authors.id")) accessor authorId!: number | null;
  @manyToOne("HrBoard", { backPopulates: "posts" }) accessor board!: Rel<HrBoard, "posts">;
  @manyToOne("HrAuthor", { backPopulates: "posts" }) accessor author!: Rel<HrAuthor | null, "posts">;

  @beforeDelete
  deleting(): void {}
}

// A tree: deleting a node unlinks its children (one UPDATE), the oracle's hook makes it read them.
@model("hm_nodes")
class HmNode extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("parent_id").references("hm_nodes.id")) accessor parentId!: number | null;
  @manyToOne("HmNode", { backPopulates: "children", remoteSide: "id" }) accessor parent!: Rel<HmNode | null, "children">;
  @oneToMany("HmNode", { backPopulates: "parent", lazy: "writeOnly" }) accessor children!: Rel<WriteOnlyCollection<HmNode>, "parent">;
}

@model("hr_nodes")
class HrNode extends HmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("parent_id").references("hr_nodes.id")) accessor parentId!: number | null;
  @manyToOne("HrNode", { backPopulates: "children", remoteSide: "id" }) accessor parent!: Rel<HrNode | null, "children">;
  @oneToMany("HrNode", { backPopulates: "parent", lazy: "writeOnly" }) accessor children!: Rel<WriteOnlyCollection<HrNode>, "parent">;

  @beforeUpdate
  updating(): void {}
}

/** One set of models: `hm` (one statement) or `hr` (the per-object path). */
interface Models {
  readonly prefix: "hm" | "hr";
  readonly Board: typeof HmBoard | typeof HrBoard;
  readonly Author: typeof HmAuthor | typeof HrAuthor;
  readonly Pin: typeof HmPin | typeof HrPin;
  readonly Post: typeof HmPost | typeof HrPost;
  readonly Node: typeof HmNode | typeof HrNode;
}
const setBased: Models = { prefix: "hm", Board: HmBoard, Author: HmAuthor, Pin: HmPin, Post: HmPost, Node: HmNode };
const perObject: Models = { prefix: "hr", Board: HrBoard, Author: HrAuthor, Pin: HrPin, Post: HrPost, Node: HrNode };

type Scenario = (ctx: SessionContext, m: Models) => Promise<string>;

/** Nodes: 1 with children 2 and 3, 2 with child 4. Boards 1 and 2, author 1; pins 1, 2 (board 1) and 3 (board 2); posts 1 (board 1, author 1), 2 (board 1), 3 (board 2, author 1). */
async function seed(ctx: SessionContext, p: string): Promise<void> {
  for (const statement of [
    `INSERT INTO ${p}_boards (id) VALUES (1), (2)`,
    `INSERT INTO ${p}_authors (id) VALUES (1)`,
    `INSERT INTO ${p}_pins (id, label, board_id) VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 2)`,
    `INSERT INTO ${p}_posts (id, title, board_id, author_id) VALUES (1, 'a', 1, 1), (2, 'b', 1, NULL), (3, 'c', 2, 1)`,
    `INSERT INTO ${p}_nodes (id, parent_id) VALUES (1, NULL)`,
    `INSERT INTO ${p}_nodes (id, parent_id) VALUES (2, 1), (3, 1)`,
    `INSERT INTO ${p}_nodes (id, parent_id) VALUES (4, 2)`,
  ]) {
    await ctx.engine.withConnection((conn) => conn.run(statement));
  }
}

/** Every row of the two member tables, as text. */
async function rows(ctx: SessionContext, p: string): Promise<string> {
  const read = async (query: string) => JSON.stringify((await ctx.engine.withConnection((conn) => conn.run(query))).rows.map((row) => Object.values(row as object).map(String)));
  return `pins ${await read(`SELECT id, board_id FROM ${p}_pins ORDER BY id`)}; posts ${await read(`SELECT id, board_id, author_id, title FROM ${p}_posts ORDER BY id`)}; nodes ${await read(`SELECT id, parent_id FROM ${p}_nodes ORDER BY id`)}`;
}

/** What the scenario returns (or the error it raised) and the rows it left, for one set of models. */
async function outcome(ctx: SessionContext, m: Models, scenario: Scenario): Promise<string> {
  await seed(ctx, m.prefix);
  let result: string;
  try {
    result = await scenario(ctx, m);
  } catch (error) {
    result = `${(error as Error).name}: ${(error as Error).message.split("\n")[0]}`;
  }
  return `${result}; ${await rows(ctx, m.prefix)}`;
}

/** How the object shows a relationship: its key, null, or "not loaded" (read again when next used). */
function shown(obj: object, key: string): string {
  try {
    const value = (obj as Record<string, unknown>)[key] as { id: number } | null;
    return value === null ? "null" : String(value.id);
  } catch {
    return "not loaded";
  }
}

/** Runs `scenario` with both sets of models: the same outcome, and `expected` of the one-statement path. */
function asPerObject(ctx: SessionContext, name: string, expected: RegExp, scenario: Scenario): void {
  test(name, async () => {
    const fast = await outcome(ctx, setBased, scenario);
    const oracle = await outcome(ctx, perObject, scenario);
    assert.equal(fast.replace(/h(m)_|Hm/g, "*"), oracle.replace(/h(r)_|Hr/g, "*"));
    assert.match(fast, expected);
  });
}

/** A session that keeps its objects' values after a commit (as the other writer's change makes them stale). */
const keeping = (ctx: SessionContext): Session => ctx.session({ expireOnCommit: false });

forEachDatabaseWithSchema(
  "write-only parent deletes: the session's objects that are members",
  HmBase.metadata,
  (ctx) => {
    asPerObject(ctx, "a post moved into the parent by another transaction, then changed: deleted with the parent (was a false StaleDataError)", /^detached;.*posts \[\];/, async (ctx, m) => {
      const session = keeping(ctx);
      const post = (await session.get(m.Post, 3))!;
      await session.commit();
      const other = ctx.session();
      await other.execute(sql.raw(`UPDATE ${m.prefix}_posts SET board_id = 1 WHERE id = 3`));
      await other.commit();
      const board = (await session.get(m.Board, 1))!; // (its autoflush would write the change first)
      post.title = "changed";
      session.delete(board);
      await session.commit();
      return inspect(post).status;
    });

    asPerObject(ctx, "a pin moved into the parent by another transaction, then changed: its object shows the key cleared", /^null, not loaded;/, async (ctx, m) => {
      const session = keeping(ctx);
      const pin = (await session.get(m.Pin, 3))!;
      await session.commit();
      const other = ctx.session();
      await other.execute(sql.raw(`UPDATE ${m.prefix}_pins SET board_id = 1 WHERE id = 3`));
      await other.commit();
      const board = (await session.get(m.Board, 1))!; // (its autoflush would write the change first)
      pin.label = "changed";
      session.delete(board);
      await session.commit();
      return `${pin.boardId}, ${shown(pin, "board")}`;
    });

    asPerObject(ctx, "an expired post unlinked from its deleted author in the same flush: deleted with its board (the board's DELETE failed)", /^detached;/, async (ctx, m) => {
      const session = keeping(ctx);
      const post = (await session.get(m.Post, 1))!;
      const board = (await session.get(m.Board, 1))!;
      const author = (await session.get(m.Author, 1))!;
      await session.load(author, "posts");
      session.expire(post);
      session.delete(board);
      session.delete(author);
      await session.commit();
      return inspect(post).status;
    });

    asPerObject(ctx, "a pin whose key is deferred and whose board is loaded: key cleared, the deleted board no longer shown", /^null, not loaded \/ null;/, async (ctx, m) => {
      const session = keeping(ctx);
      const [pin] = await session.scalars(select(m.Pin as typeof HmPin).where(sql.raw(`${m.prefix}_pins.id = 1`)).options(defer(m.Pin as typeof HmPin, "boardId"), joinedLoad(m.Pin as typeof HmPin, "board")));
      session.delete((await session.get(m.Board, 1))!);
      await session.flush();
      const flushed = `${pin!.boardId}, ${shown(pin!, "board")}`;
      await session.commit();
      await session.load(pin!, "board");
      return `${flushed} / ${shown(pin!, "board")}`;
    });

    asPerObject(ctx, "a post whose key is deferred and whose board is loaded: deleted with it, its object too", /^deleted, detached;/, async (ctx, m) => {
      const session = keeping(ctx);
      const [post] = await session.scalars(select(m.Post as typeof HmPost).where(sql.raw(`${m.prefix}_posts.id = 1`)).options(defer(m.Post as typeof HmPost, "boardId"), joinedLoad(m.Post as typeof HmPost, "board")));
      session.delete((await session.get(m.Board, 1))!);
      await session.flush();
      const flushed = inspect(post!).status;
      await session.commit();
      return `${flushed}, ${inspect(post!).status}`;
    });

    asPerObject(ctx, "a pin held with its board: after the flush its many-to-one no longer shows the deleted board; a rollback shows it again", /^null, not loaded \/ 1, 1;/, async (ctx, m) => {
      const session = keeping(ctx);
      const pin = (await session.get(m.Pin, 1))!;
      await session.load(pin, "board");
      session.delete((await session.get(m.Board, 1))!);
      await session.flush();
      const flushed = `${pin.boardId}, ${shown(pin, "board")}`;
      await session.rollback();
      await session.refresh(pin);
      await session.load(pin, "board");
      const back = `${pin.boardId}, ${shown(pin, "board")}`;
      await session.rollback(); // the connection back (SQLite's in-memory database has one)
      return `${flushed} / ${back}`;
    });

    asPerObject(ctx, "members moved away by another transaction since they were read: left where they are now (were deleted, or unlinked, by their keys)", /^1, 1;.*pins \[\["1","null"\],\["2","2"\],\["3","2"\]\]; posts \[\["2","2","null","b"\],\["3","2","1","c"\]\];/, async (ctx, m) => {
      const session = keeping(ctx);
      const board = (await session.get(m.Board, 1))!;
      const post = (await session.get(m.Post, 2))!;
      const pin = (await session.get(m.Pin, 2))!;
      await session.commit();
      const other = ctx.session();
      await other.execute(sql.raw(`UPDATE ${m.prefix}_posts SET board_id = 2 WHERE id = 2`));
      await other.execute(sql.raw(`UPDATE ${m.prefix}_pins SET board_id = 2 WHERE id = 2`));
      await other.commit();
      session.delete(board);
      await session.commit();
      // As the per-object path's read leaves them: not members, untouched (their values as read).
      return `${post.boardId}, ${pin.boardId}`;
    });

    test("a session holding 600 posts of another board: asked about 500 at a time, the members never read; one DELETE", async () => {
      await seed(ctx, "hm");
      const values = Array.from({ length: 600 }, (_, i) => `(${100 + i}, 'x', 2)`).join(", ");
      await ctx.engine.withConnection((conn) => conn.run(`INSERT INTO hm_posts (id, title, board_id) VALUES ${values}`));
      const session = ctx.session();
      const others = await session.scalars(select(HmPost).where(sql.raw("board_id = 2")));
      assert.equal(others.length, 601);
      const board = (await session.get(HmBoard, 1))!;
      ctx.reset();
      session.delete(board);
      await session.commit();
      const posts = ctx.statements.filter((s) => /\bhm_posts\b/.test(s));
      assert.equal(posts.filter((s) => /^SELECT\s+\S+\.\W?id\W?\s+FROM\b/i.test(s)).length, 2, posts.join("\n"));
      assert.equal(posts.filter((s) => /^SELECT/i.test(s)).length, 2, posts.join("\n"));
      assert.equal(posts.filter((s) => /^DELETE/i.test(s)).length, 1, posts.join("\n"));
      assert.equal(await ctx.count("hm_posts"), 601);
      assert.equal(await ctx.count("hm_posts", "board_id = 1"), 0);
    });

    asPerObject(ctx, "members of another board added to the deleted one in the same flush: deleted, or unlinked, with it", /^detached, null;.*pins \[\["1","null"\],\["2","null"\],\["3","null"\]\]; posts \[\];/, async (ctx, m) => {
      const session = keeping(ctx);
      const board = (await session.get(m.Board, 1))! as HmBoard;
      const post = (await session.get(m.Post, 3))! as HmPost;
      const pin = (await session.get(m.Pin, 3))! as HmPin;
      board.posts.add(post);
      board.pins.add(pin);
      session.delete(board);
      await session.commit();
      return `${inspect(post).status}, ${pin.boardId}`;
    });

    asPerObject(ctx, "a flush that fails after the statement: nothing written, the work kept pending; fixed, the commit writes it all once", /^IntegrityError, persistent, null, not loaded \/ detached, null;.*pins \[\["1","null"\],\["2","null"\],\["3","2"\]\]; posts \[\["3","2","1","c"\]\];/, async (ctx, m) => {
      const session = keeping(ctx);
      const board = (await session.get(m.Board, 1))!;
      const post = (await session.get(m.Post, 2))!;
      const pin = (await session.get(m.Pin, 1))!;
      await session.load(pin, "board");
      session.expire(post);
      // Its key names no board: its INSERT, after the statement, fails the flush.
      const bad = Object.assign(new m.Pin(), { id: 8, boardId: 99 });
      session.add(bad);
      session.delete(board);
      const failed = await session.flush().then(() => "flushed", (error: Error) => error.name);
      const during = `${failed}, ${inspect(post).status}, ${pin.boardId}, ${shown(pin, "board")}`;
      session.expunge(bad);
      await session.commit();
      return `${during} / ${inspect(post).status}, ${pin.boardId}`;
    });

    asPerObject(ctx, "a member another transaction inserts after the parent was read: deleted (or unlinked) with the rest", /^ok;.*pins \[\["1","null"\],\["2","null"\],\["3","2"\],\["9","null"\]\]; posts \[\["3","2","1","c"\]\];/, async (ctx, m) => {
      const session = ctx.session();
      const board = (await session.get(m.Board, 1))!;
      const post = (await session.get(m.Post, 2))!;
      await session.commit();
      const other = ctx.session();
      await other.execute(sql.raw(`INSERT INTO ${m.prefix}_posts (id, title, board_id) VALUES (9, 'late', 1)`));
      await other.execute(sql.raw(`INSERT INTO ${m.prefix}_pins (id, label, board_id) VALUES (9, 'late', 1)`));
      await other.commit();
      session.delete(board);
      await session.commit();
      return inspect(post).status === "detached" ? "ok" : inspect(post).status;
    });

    asPerObject(ctx, "a savepoint rolled back after the flush: the parent, the held members and their keys back; done again, written once", /^deleted, null \/ persistent, persistent, 1 \/ detached;.*pins \[\["1","null"\],\["2","null"\],\["3","2"\]\]; posts \[\["3","2","1","c"\]\]/, async (ctx, m) => {
      const session = keeping(ctx);
      const board = (await session.get(m.Board, 1))!;
      const post = (await session.get(m.Post, 1))!;
      const pin = (await session.get(m.Pin, 1))!;
      session.expire(post);
      session.expire(pin);
      const nested = await session.beginNested();
      session.delete(board);
      await session.flush();
      const during = `${inspect(post).status}, ${pin.boardId}`;
      await nested.rollback();
      await session.refresh(pin);
      const back = `${inspect(board).status}, ${inspect(post).status}, ${pin.boardId}`;
      session.delete(board);
      await session.commit();
      return `${during} / ${back} / ${inspect(post).status}`;
    });

    asPerObject(ctx, "both parents deleted, members moved from one to the other in memory (keys expired): all deleted or unlinked once", /^detached, null;.*pins \[\["1","null"\],\["2","null"\],\["3","null"\]\]; posts \[\]/, async (ctx, m) => {
      const session = keeping(ctx);
      const [one, two] = [(await session.get(m.Board, 1))!, (await session.get(m.Board, 2))!];
      const post = (await session.get(m.Post, 1))! as HmPost;
      const pin = (await session.get(m.Pin, 1))! as HmPin;
      session.expire(post, ["boardId"]);
      session.expire(pin, ["boardId"]);
      post.board = two as HmBoard;
      pin.board = two as HmBoard;
      session.delete(one);
      session.delete(two);
      await session.commit();
      return `${inspect(post).status}, ${pin.boardId}`;
    });

    for (const keys of ["loaded", "expired"] as const) {
      // Its row names the board kept: only the new board's members in memory make it one (moved-in-children.ts).
      asPerObject(ctx, `members moved in memory into the parent deleted, from one kept (keys ${keys}): deleted, or unlinked, with it (was an IntegrityError)`, /^detached, null;.*pins \[\["1","null"\],\["2","1"\],\["3","null"\]\]; posts \[\["2","1","null","b"\]\]/, async (ctx, m) => {
        const session = keeping(ctx);
        const two = (await session.get(m.Board, 2))!;
        const post = (await session.get(m.Post, 1))! as HmPost;
        const pin = (await session.get(m.Pin, 1))! as HmPin;
        if (keys === "expired") {
          session.expire(post, ["boardId"]);
          session.expire(pin, ["boardId"]);
        }
        post.board = two as HmBoard;
        pin.board = two as HmBoard;
        session.delete(two);
        await session.commit();
        await session.refresh(pin); // an expired key the flush cleared stays expired
        return `${inspect(post).status}, ${pin.boardId}`;
      });
    }

    asPerObject(ctx, "members deleted in the same flush: each deleted once by its key (the statement deleted it first: a false StaleDataError)", /^detached, detached;.*pins \[\["2","null"\],\["3","2"\]\]; posts \[\["3","2","1","c"\]\]/, async (ctx, m) => {
      const session = ctx.session();
      const board = (await session.get(m.Board, 1))!;
      const post = (await session.get(m.Post, 2))!;
      const pin = (await session.get(m.Pin, 1))!;
      session.delete(post);
      session.delete(pin);
      session.delete(board);
      await session.commit();
      return `${inspect(post).status}, ${inspect(pin).status}`;
    });

    asPerObject(ctx, "members deleted in the same flush, their keys expired: each deleted once", /^detached, detached;.*pins \[\["2","null"\],\["3","2"\]\]; posts \[\["3","2","1","c"\]\]/, async (ctx, m) => {
      const session = ctx.session();
      const board = (await session.get(m.Board, 1))!;
      const post = (await session.get(m.Post, 2))!;
      const pin = (await session.get(m.Pin, 1))!;
      await session.commit(); // every key expired
      session.delete(post);
      session.delete(pin);
      session.delete(board);
      await session.commit();
      return `${inspect(post).status}, ${inspect(pin).status}`;
    });

    asPerObject(ctx, "a tree: a node and its held child (key expired) deleted, their other children unlinked", /^detached, null;.*nodes \[\["3","null"\],\["4","null"\]\]$/, async (ctx, m) => {
      const session = keeping(ctx);
      const root = (await session.get(m.Node, 1))!;
      const child = (await session.get(m.Node, 2))!;
      const leaf = (await session.get(m.Node, 4))!;
      session.expire(child);
      session.delete(root);
      session.delete(child);
      await session.commit();
      return `${inspect(child).status}, ${leaf.parentId}`;
    });
  },
  { sqliteFile: true, createOnce: true },
);
