/**
 * Children moved in memory from one parent to another (their many-to-one assigned, not flushed),
 * then the new parent deleted, alone or with the old one. The flush reads each deleted parent's
 * children from the database: the old parent's read leaves a moved child out (its reference says
 * it moved), and the new parent's rows do not name it yet. It was in neither, so nothing deleted
 * or unlinked it: it was updated to name its new parent, which the flush deletes, so NULL (an
 * IntegrityError on a NOT NULL key, the commit refused; a child that the delete cascade should
 * have deleted left behind with no parent, where the key allows NULL). As SQLAlchemy's pending
 * collection changes do, the new parent's members include the children moved into it in memory:
 * deleted with it under a delete cascade, else unlinked. Moved out of a deleted parent into one
 * that stays, a child goes with its new parent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, inspect, integer, manyToOne, model, oneToMany, sql, type Rel, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class MvBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    MvBoard: MvBoard;
    MvPost: MvPost;
    MvNote: MvNote;
    MvTag: MvTag;
    MvComment: MvComment;
  }
}

// Posts: a delete cascade, a NOT NULL key. Notes: a delete cascade, a nullable key. Tags: no cascade.
@model("mv_boards")
class MvBoard extends MvBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("MvPost", { backPopulates: "board", cascade: "all" }) accessor posts!: Rel<MvPost[], "board">;
  @oneToMany("MvNote", { backPopulates: "board", cascade: "all" }) accessor notes!: Rel<MvNote[], "board">;
  @oneToMany("MvTag", { backPopulates: "board" }) accessor tags!: Rel<MvTag[], "board">;
  @oneToMany("MvComment", { backPopulates: "board", cascade: "all", passiveDeletes: true }) accessor comments!: Rel<MvComment[], "board">;
}

@model("mv_posts")
class MvPost extends MvBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").notNull().references("mv_boards.id")) accessor boardId!: number;
  @manyToOne("MvBoard", { backPopulates: "posts" }) accessor board!: Rel<MvBoard, "posts">;
}

@model("mv_notes")
class MvNote extends MvBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").references("mv_boards.id")) accessor boardId!: number | null;
  @manyToOne("MvBoard", { backPopulates: "notes" }) accessor board!: Rel<MvBoard | null, "notes">;
}

@model("mv_tags")
class MvTag extends MvBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").references("mv_boards.id")) accessor boardId!: number | null;
  @manyToOne("MvBoard", { backPopulates: "tags" }) accessor board!: Rel<MvBoard | null, "tags">;
}

// Comments: left to the database's ON DELETE CASCADE (passiveDeletes), a NOT NULL key.
@model("mv_comments")
class MvComment extends MvBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("board_id").notNull().references("mv_boards.id", { onDelete: "cascade" })) accessor boardId!: number;
  @manyToOne("MvBoard", { backPopulates: "comments" }) accessor board!: Rel<MvBoard, "comments">;
}

/** Boards 1 and 2; a post, a note and a tag on each (id 1 on board 1, id 2 on board 2). */
async function seed(ctx: SessionContext): Promise<void> {
  for (const statement of [
    "INSERT INTO mv_boards (id) VALUES (1), (2)",
    "INSERT INTO mv_posts (id, board_id) VALUES (1, 1), (2, 2)",
    "INSERT INTO mv_notes (id, board_id) VALUES (1, 1), (2, 2)",
    "INSERT INTO mv_tags (id, board_id) VALUES (1, 1), (2, 2)",
  ]) {
    await ctx.engine.withConnection((conn) => conn.run(statement));
  }
}

/** The rows of the child tables, as `table id:board_id ...`. */
async function rows(ctx: SessionContext): Promise<string> {
  const parts: string[] = [];
  for (const table of ["mv_boards", "mv_posts", "mv_notes", "mv_tags"]) {
    const columns = table === "mv_boards" ? "id, id AS board_id" : "id, board_id";
    const { rows } = await ctx.engine.execute(sql<{ id: number; board_id: number | null }>`SELECT ${sql.raw(columns)} FROM ${sql.raw(table)} ORDER BY id`);
    parts.push(`${table.slice(3)} ${rows.map((row) => (table === "mv_boards" ? `${row.id}` : `${row.id}:${row.board_id ?? "null"}`)).join(" ")}`.trim());
  }
  return parts.join("; ");
}

type Loaded = "keys loaded" | "keys expired" | "the old board's lists loaded" | "the new board's lists loaded";
type Deleted = "both boards" | "the new board" | "the old board";

/** Moves post 1, note 1 and tag 1 from board 1 to board 2 by their references, deletes `deleted`, commits; the objects' statuses and the rows. */
async function moveAndDelete(session: Session, loaded: Loaded, deleted: Deleted): Promise<string> {
  const [one, two] = [(await session.get(MvBoard, 1))!, (await session.get(MvBoard, 2))!];
  const children = [(await session.get(MvPost, 1))!, (await session.get(MvNote, 1))!, (await session.get(MvTag, 1))!] as const;
  if (loaded === "keys expired") for (const child of children) session.expire(child, ["boardId"]);
  const lists = ["posts", "notes", "tags"] as const;
  if (loaded === "the old board's lists loaded") for (const key of lists) await session.load(one, key);
  if (loaded === "the new board's lists loaded") for (const key of lists) await session.load(two, key);
  children[0].board = two;
  children[1].board = two;
  children[2].board = two;
  if (deleted !== "the new board") session.delete(one);
  if (deleted !== "the old board") session.delete(two);
  try {
    await session.commit();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message.split("\n")[0]}`;
  }
  return children.map((child) => inspect(child).status).join(", ");
}

forEachDatabaseWithSchema(
  "children moved between two parents in memory, then deleted parents",
  MvBase.metadata,
  (ctx) => {
    const cases: [Deleted, string][] = [
      // Post and note deleted with the board they moved to (their cascade), the tag unlinked.
      ["both boards", "detached, detached, persistent; boards; posts; notes; tags 1:null 2:null"],
      ["the new board", "detached, detached, persistent; boards 1; posts; notes; tags 1:null 2:null"],
      // Moved out of the board deleted: they go with the board they moved to.
      ["the old board", "persistent, persistent, persistent; boards 2; posts 1:2 2:2; notes 1:2 2:2; tags 1:2 2:2"],
    ];
    for (const [deleted, expected] of cases) {
      for (const loaded of ["keys loaded", "keys expired", "the old board's lists loaded", "the new board's lists loaded"] as const) {
        test(`${deleted} deleted, ${loaded}`, async () => {
          await seed(ctx);
          const session = ctx.session();
          assert.equal(`${await moveAndDelete(session, loaded, deleted)}; ${await rows(ctx)}`, expected);
        });
      }
    }

    test("a new child given the deleted board by its reference: deleted with it (never inserted) under a cascade, else inserted unlinked", async () => {
      await seed(ctx);
      const session = ctx.session();
      const two = (await session.get(MvBoard, 2))!;
      const post = Object.assign(new MvPost(), { id: 3, board: two });
      const tag = Object.assign(new MvTag(), { id: 3, board: two });
      session.addAll([post, tag]);
      session.delete(two);
      await session.commit();
      assert.equal(`${inspect(post).status}, ${inspect(tag).status}; ${await rows(ctx)}`, "transient, persistent; boards 1; posts 1:1; notes 1:1; tags 1:1 2:null 3:null");
    });

    test("passiveDeletes: a comment moved into the deleted board in memory is deleted with it (its row does not name it for ON DELETE CASCADE)", async () => {
      await seed(ctx);
      await ctx.engine.withConnection((conn) => conn.run("INSERT INTO mv_comments (id, board_id) VALUES (1, 1), (2, 2)"));
      const session = ctx.session();
      const two = (await session.get(MvBoard, 2))!;
      const comment = (await session.get(MvComment, 1))!;
      comment.board = two;
      session.delete(two);
      await session.commit();
      const { rows } = await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM mv_comments`);
      assert.equal(`${inspect(comment).status}; ${rows.length}`, "detached; 0");
    });

    test("a failed flush of a moved child: nothing written, the move and the delete kept; fixed, the commit writes them once", async () => {
      await seed(ctx);
      const session = ctx.session();
      const [one, two] = [(await session.get(MvBoard, 1))!, (await session.get(MvBoard, 2))!];
      const post = (await session.get(MvPost, 1))!;
      post.board = two;
      session.delete(two);
      // Its key names no board: its INSERT fails the flush.
      const bad = Object.assign(new MvTag(), { id: 9, boardId: 99 });
      session.add(bad);
      const failed = await session.flush().then(() => "flushed", (error: Error) => error.name);
      const during = `${failed}, ${inspect(post).status}, ${post.board === two}, ${inspect(one).status}`;
      session.expunge(bad);
      await session.commit();
      assert.equal(`${during} / ${inspect(post).status}; ${await rows(ctx)}`, "IntegrityError, persistent, true, persistent / detached; boards 1; posts; notes 1:1; tags 1:1 2:null");
    });
  },
  { createOnce: true },
);
