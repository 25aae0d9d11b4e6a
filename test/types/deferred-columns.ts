/**
 * Compile-time fixture of column loading options (src/orm/loading/column-options.ts): an object
 * of a query with `loadOnly`/`defer` has only the attributes it loaded in its type, reading another
 * does not compile, and `session.load(obj, ...)` gives them back. Compiled by `npm test` with
 * TypeScript 7 and 5.9, never executed.
 */
import { DeclarativeBase, Session, column, defer, integer, lazy, loadOnly, manyToOne, raiseLoad, model, oneToMany, select, string, text, undefer, type Rel } from "athanor";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

class TdBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    TdAuthor: TdAuthor;
    TdBook: TdBook;
  }
}

@model("td_authors")
class TdAuthor extends TdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor name!: string;
  @oneToMany("TdBook", { backPopulates: "author" }) accessor books!: Rel<TdBook[], "author">;
}

@model("td_books")
class TdBook extends TdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(100).notNull()) accessor title!: string;
  @column(text(), { deferred: true }) accessor body!: string | null;
  @column(integer().named("author_id").references("td_authors.id")) accessor authorId!: number | null;
  @manyToOne("TdAuthor", { backPopulates: "books" }) accessor author!: Rel<TdAuthor, "books"> | null;

  describe(): string {
    return this.title;
  }
}

export async function typed(session: Session): Promise<void> {
  // loadOnly: the listed columns (and relationships, methods) only.
  const [only] = await session.scalars(select(TdBook).options(loadOnly(TdBook, "id", "title")));
  const title: string = only!.title;
  only!.author;
  only!.describe();
  // @ts-expect-error: body was not loaded
  only!.body;
  // @ts-expect-error: authorId was not loaded
  only!.authorId;

  // defer: all but that one.
  const [deferred] = await session.scalars(select(TdBook).options(defer(TdBook, "title")));
  deferred!.body;
  // @ts-expect-error: title was deferred
  deferred!.title;

  // Options chained and combined; tuples of several entities: each its own.
  const rows = await session.execute(select(TdBook, TdAuthor).join(TdAuthor).options(loadOnly(TdBook, "title")).options(defer(TdAuthor, "name")));
  const [book, author] = rows[0]!;
  book.title;
  author.id;
  // @ts-expect-error: name was deferred on the author
  author.name;
  // @ts-expect-error: only title was loaded on the book
  book.authorId;

  // session.load puts them back.
  const full = await session.load(only!, "body", "authorId");
  type FullBody = Expect<Equal<typeof full.body, string | null>>;
  full.authorId;
  // @ts-expect-error: not an attribute of TdBook
  await session.load(only!, "bdy");

  // lazy() reaches them too: `await lazy(obj).body` loads a column left out.
  const body: string | null = await lazy(only!).body;
  void body;

  // raiseLoad on a column: left out of the type like defer.
  const [raising] = await session.scalars(select(TdBook).options(raiseLoad(TdBook, "title")));
  // @ts-expect-error: title was left out by raiseLoad
  raising!.title;
  raising!.body;

  // Options checked: column attributes of the entity only.
  // @ts-expect-error: a relationship is not a column
  loadOnly(TdBook, "author");
  // @ts-expect-error: not an attribute
  undefer(TdBook, "bodyy");
  // Other options leave the type as it is.
  const [plain] = await session.scalars(select(TdBook).options(undefer(TdBook, "body")));
  type Plain = Expect<Equal<typeof plain, TdBook>>;
  void title;
  void (0 as unknown as [FullBody, Plain]);
}
