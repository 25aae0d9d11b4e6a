/**
 * The reference documentation of `Session`'s public methods, kept out of session.ts (which stays
 * a short facade). `Session extends SessionApi`: an abstract class of signatures only, so that the
 * compiler checks that Session implements each one, and editors show these comments on Session's
 * methods (TypeScript 7's quick info inherits a doc comment from a base class, not from an
 * `implements` interface). A new public Session method gets its doc comment here.
 */
import type { RawSql } from "../../core/expression/sql-tag.js";
import type { Select } from "../../core/statements/select.js";
import type { Connection, StreamOptions } from "../../engine/connection.js";
import type { Result } from "../../engine/result.js";
import type { PrimaryKeyValue } from "../identity/object-keys.js";
import type { BulkInsert, BulkInsertResult, BulkOptions, BulkStatement, DmlResult, InsertValues } from "./bulk.js";
import type { MergeOptions } from "./merge.js";
import type { LoadableKeys, WithLoaded } from "./attribute-loading.js";
import type { TextRow } from "./text-statement.js";
import type { NestedTransaction } from "./session-options.js";

/** The documented public API of `Session`: signatures only, implemented by `Session`. */
export abstract class SessionApi {
  /**
   * Adds an object to the session, with what its relationships reach along the save-update
   * cascade; it is INSERTed at the next flush. An object the session already holds is left as it
   * is (one marked for deletion is kept after all); one of another session raises
   * `InvalidRequestError` (expunge it there first).
   *
   * ```ts
   * const post = create(Post, { title: "Hello", author: (await session.get(User, 1))! });
   * session.add(post);
   * await session.commit(); // INSERT INTO posts (author_id, title, ...) VALUES (?, ?, ...)
   * ```
   */
  abstract add(obj: object): void;

  /**
   * `add` for each object, in order.
   *
   * ```ts
   * session.addAll([new Tag(), new Tag()].map((tag, i) => Object.assign(tag, { name: `tag-${i}` })));
   * await session.flush(); // INSERT INTO tags (name) VALUES (?) for each
   * ```
   */
  abstract addAll(objects: Iterable<object>): void;

  /**
   * Marks an object for deletion: its row is DELETEd at the next flush, with what the delete
   * cascade reaches (other children get their foreign key cleared). A pending object (never
   * flushed) simply leaves the session. The object leaves the session when the transaction commits.
   *
   * ```ts
   * const post = await session.get(Post, 7);
   * if (post) session.delete(post);
   * await session.commit(); // DELETE FROM posts WHERE id = ?
   * ```
   */
  abstract delete(obj: object): void;

  /**
   * Takes an object (and what its relationships cascade `expunge` to) out of the session without
   * touching the database: it becomes detached (pending: transient), its unflushed changes are no
   * longer written. An object of another session is ignored.
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * session.expunge(user);
   * user.name = "not saved"; // the session no longer tracks it
   * await session.commit();  // no UPDATE
   * ```
   */
  abstract expunge(obj: object): void;

  /**
   * Copies the state of an object from outside the session (detached, or another session's) onto
   * the session's object of the same key, loading it first (one SELECT) if the identity map does
   * not have it, and along the merge cascade; returns the session's object (the argument is left
   * as it was). Autoflushes once first. `{ load: false }` sends no SELECT (for objects from a cache);
   * a row deleted meanwhile raises `ObjectDeletedError` unless `{ missing: "insert" }`.
   *
   * ```ts
   * declare const cached: Post; // e.g. an object kept from an earlier, closed session
   * const post = await session.merge(cached); // SELECT ... FROM posts WHERE id = ?
   * post.title = "Edited";
   * await session.commit(); // UPDATE posts SET title = ? WHERE id = ?
   * ```
   */
  abstract merge<T extends object>(obj: T, options?: MergeOptions): Promise<T>;

  /**
   * The object of a class with this primary key, or `undefined`: from the identity map when it
   * is there (no SQL), else by one SELECT (after an autoflush). A composite key is given as an
   * array in key-column order or as an object of attribute names.
   *
   * ```ts
   * const user = await session.get(User, 1); // SELECT ... FROM users WHERE users.id = ?
   * const same = await session.get(User, 1); // no SQL: same === user
   * const link = await session.get(Association, { parentId: 1, childId: 2 });
   * ```
   */
  abstract get<T extends object>(cls: abstract new (...args: any[]) => T, pk: PrimaryKeyValue): Promise<T | undefined>;

  /**
   * Runs a SELECT (after an autoflush) and returns the first item of each row: for `select(Model)`,
   * the model's objects, one object per row identity (the identity map's, when it has one), with
   * the statement's loader options applied.
   *
   * ```ts
   * const posts = await session.scalars(
   *   select(Post).where(columnsOf(Post).title.startsWith("How")).options(selectinLoad(Post, "tags")),
   * ); // SELECT ... FROM posts WHERE posts.title LIKE ?, then the tags of all of them in one SELECT
   * ```
   */
  abstract scalars<T>(statement: Select<any, T, any>): Promise<T[]>;

  /**
   * The first item of the first row of a SELECT (after an autoflush), or `undefined` when there is
   * no row; a count, a maximum, one object.
   *
   * ```ts
   * const count = await session.scalar(select(func.count()).from(Post)); // SELECT count(*) FROM posts
   * const newest = await session.scalar(select(Post).orderBy(columnsOf(Post).createdAt.desc()).limit(1));
   * ```
   */
  abstract scalar<T>(statement: Select<any, T, any>): Promise<T | undefined>;

  /**
   * Runs a SELECT in the session's transaction, after an autoflush, and returns its rows as tuples:
   * an entity in the select list comes as its object (one per row identity), a column as its value.
   *
   * ```ts
   * const rows = await session.execute(select(User, columnsOf(Post).title).join(Post)); // [User, string][]
   * // SELECT users.id, users.email, users.name, posts.title FROM users JOIN posts ON users.id = posts.author_id
   * ```
   */
  abstract execute<Tuple extends readonly unknown[]>(statement: Select<any, any, Tuple>): Promise<Tuple[]>;
  /**
   * Runs a bulk `update(Model)` or `deleteFrom(Model)` after an autoflush: one statement, whatever
   * the number of rows. Returns the number of rows matched, or the RETURNING tuples; the session's
   * objects of those rows follow (`synchronizeSession`, docs/bulk-update-delete.md).
   *
   * ```ts
   * const hidden = await session.execute(update(Post).where(columnsOf(Post).authorId.eq(1)).values({ title: "Hidden" }));
   * // UPDATE posts SET title = ? WHERE posts.author_id = ?   -> the number of rows matched
   * await session.execute(deleteFrom(Tag).where(columnsOf(Tag).name.like("tmp-%")), { synchronizeSession: "fetch" });
   * ```
   */
  abstract execute<Tuple>(statement: BulkStatement<Tuple>, options?: BulkOptions): Promise<DmlResult<Tuple>>;
  /**
   * Runs SQL text in the session's transaction, after an autoflush, and returns its `Result`; a
   * rollback undoes it. Objects the session holds do not follow what it changed: expire them. Text
   * that would commit (COMMIT, or DDL on MySQL) is refused.
   *
   * ```ts
   * const result = await session.execute(sql<{ n: number }>`SELECT count(*) AS n FROM tags`);
   * console.log(result.first()?.n);
   * ```
   */
  abstract execute<T>(statement: RawSql<T>): Promise<Result<TextRow<T>>>;
  /**
   * Inserts rows in bulk through the ORM, after an autoflush: `insert(Model)` and a list of plain
   * objects of attribute values, in as few statements as the dialect allows, making no object
   * (docs/bulk-insert.md). Returns the number of rows, or the RETURNING tuples.
   *
   * ```ts
   * const count = await session.execute(insert(Tag), [{ name: "sql" }, { name: "orm" }]); // 2
   * // INSERT INTO tags (name) VALUES (?), (?)
   * ```
   */
  abstract execute<M, Tuple>(statement: BulkInsert<M, Tuple>, rows?: readonly InsertValues<M>[]): Promise<BulkInsertResult<Tuple>>;

  /**
   * `scalars` through a cursor, in the session's transaction: reads `yieldPer` rows at a time
   * (default 1,000), so memory holds about one batch (docs/streaming.md). Autoflushes once, first.
   * - When the loop asks for the next batch, the objects of the last one (and those loaded with
   *   them) leave the session, detached, but those it held before the stream and those changed or
   *   deleted meanwhile; one changed after it left goes back into the session.
   * - `selectinLoad` runs once per batch (on MySQL/MariaDB, on a second connection); a joined-loaded
   *   collection is refused with `StreamingLoadError`.
   * - PostgreSQL runs other statements beside the cursor, flushes too: a row the transaction
   *   deleted since the cursor opened is not yielded, and once it wrote, each batch's entities and
   *   joined loads are read again as a query run then reads them. SQLite refuses writes beside the
   *   cursor, MySQL/MariaDB any statement on its connection: a flush, or a savepoint begun or rolled
   *   back, in the loop throws `StreamInProgressError` before anything is sent.
   * - The transaction ending in the loop (a commit, a rollback, a failed flush), or a savepoint open
   *   when the current batch was read being rolled back, ends the stream with `StreamEndedError`
   *   at the next row: no row read in it is yielded after.
   *
   * ```ts
   * for await (const post of session.stream(select(Post), { yieldPer: 500 })) {
   *   console.log(post.title);
   * }
   * ```
   */
  abstract stream<T>(statement: Select<any, T, any>, options?: StreamOptions): AsyncIterable<T>;

  /**
   * Rows as tuples, as `execute` returns them, streamed through a cursor as `stream` does.
   *
   * ```ts
   * for await (const [author, title] of session.streamRows(select(User, columnsOf(Post).title).join(Post))) {
   *   console.log(author.email, title);
   * }
   * ```
   */
  abstract streamRows<Tuple extends readonly unknown[]>(statement: Select<any, any, Tuple>, options?: StreamOptions): AsyncIterable<Tuple>;

  /**
   * What `await lazy(obj).key` calls: the value of a relationship (or deferred column) of an
   * object, loaded if it is not, in one statement with the loads of the same tick. Prefer `lazy`.
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * const posts = (await session.loadLazily(user, "posts")) as Post[]; // as `await lazy(user).posts`
   * ```
   */
  abstract loadLazily(obj: object, key: string): Promise<unknown>;

  /**
   * The session's connection with its transaction begun (BEGIN sent if it was not), for
   * statements of your own: they run in the session's transaction and commit or roll back with
   * it. Do not commit or close it yourself. After a failed flush only a rollback can follow.
   *
   * ```ts
   * const conn = await session.connection();
   * await conn.execute(update(users).set({ name: "Ann" }).where(users.c.id.eq(1))); // in the session's transaction
   * await session.commit();
   * ```
   */
  abstract connection(): Promise<Connection>;

  /**
   * Writes the pending changes (INSERT, UPDATE, DELETE in dependency order) in the session's
   * transaction, beginning it if needed, without committing. If a statement fails the flush's work
   * is rolled back (to the savepoint it opened, or the transaction), the objects are as they were
   * before it, and the error is thrown: the session stays usable.
   *
   * ```ts
   * const post = create(Post, { title: "Draft", author: (await session.get(User, 1))! });
   * session.add(post);
   * await session.flush(); // INSERT INTO posts ...: post.id is now set, nothing committed yet
   * ```
   */
  abstract flush(): Promise<void>;

  /**
   * Flushes, then commits the transaction. Every object expires afterwards (reloaded on next
   * access) unless the session was made with `expireOnCommit: false`. A failed flush or COMMIT
   * rolls back and throws; an unknown COMMIT outcome raises `CommitOutcomeUnknownError`.
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * user.name = "Ann";
   * await session.commit(); // UPDATE users SET name = ? WHERE users.id = ?; COMMIT
   * ```
   */
  abstract commit(): Promise<void>;

  /**
   * Rolls the transaction back: what was flushed is undone in the database and unflushed changes
   * are discarded; pending objects leave the session, deleted ones come back, and every object
   * expires (reloaded on next access).
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * user.name = "typo";
   * await session.rollback(); // ROLLBACK: user.name is read again from the row
   * ```
   */
  abstract rollback(): Promise<void>;

  /**
   * Rolls back, detaches every object and returns the connection to the pool; the session can be
   * used again afterwards, empty.
   *
   * ```ts
   * const session = new Session(engine);
   * try {
   *   await session.scalars(select(User));
   * } finally {
   *   await session.close();
   * }
   * ```
   */
  abstract close(): Promise<void>;

  /**
   * Flushes, then opens a savepoint (`SAVEPOINT sp_1`). Its `rollback()` undoes the database work
   * since and restores the objects it touched as they were; its `commit()` releases the savepoint
   * and keeps both.
   *
   * ```ts
   * const nested = await session.beginNested();
   * session.add(create(Tag, { name: "maybe" }));
   * try {
   *   await nested.commit(); // INSERT INTO tags ...; RELEASE SAVEPOINT sp_1
   * } catch {
   *   // a failed commit rolled the savepoint back; the outer transaction goes on
   * }
   * ```
   */
  abstract beginNested(): Promise<NestedTransaction>;

  /**
   * Loads attributes of an object that are not loaded (deferred or expired columns,
   * relationships), one statement per kind, none for those already loaded; the object's type then
   * says they are loaded. Raises `ObjectDeletedError` if its row is gone.
   *
   * ```ts
   * const post = (await session.get(Post, 1))!;
   * const loaded = await session.load(post, "comments", "tags"); // SELECT ... FROM comments WHERE ...; SELECT ... tags
   * loaded.comments.length; // no lazy load: loaded
   * ```
   */
  abstract load<T extends object, const K extends LoadableKeys<T>>(obj: T, ...keys: K[]): Promise<WithLoaded<T, K>>;

  /**
   * Reads an object's row again now (SELECT ... WHERE key), along the refresh-expire cascade,
   * dropping unflushed changes to it; deferred columns stay unloaded and relationships are loaded
   * on demand. With `attributes`, those alone. A row deleted meanwhile raises `ObjectDeletedError`
   * and the object leaves the session.
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * await session.refresh(user);            // SELECT users.id, users.email, users.name FROM users WHERE users.id = ?
   * await session.refresh(user, ["email"]); // SELECT users.email FROM users WHERE users.id = ?
   * ```
   */
  abstract refresh(obj: object, attributes?: readonly string[]): Promise<void>;

  /**
   * Marks attributes of an object (all by default) as not loaded, without SQL: they are read from
   * the database on next access. Unflushed changes to them are dropped.
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * session.expire(user, ["name"]);
   * await session.load(user, "name"); // SELECT users.name FROM users WHERE users.id = ?
   * ```
   */
  abstract expire(obj: object, attributes?: readonly string[]): void;

  /**
   * `expire` for every object of the session: each is read again from the database on next
   * access, as after a commit.
   *
   * ```ts
   * await (await session.connection()).execute(sql`UPDATE users SET name = upper(name)`);
   * session.expireAll(); // objects loaded before now see the new names
   * ```
   */
  abstract expireAll(): void;

  /**
   * Every object of the session: the pending ones (added, not flushed) and those in the identity map.
   *
   * ```ts
   * session.add(create(Tag, { name: "new" }));
   * console.log(session.objects.length); // 1
   * ```
   */
  abstract get objects(): object[];
}
