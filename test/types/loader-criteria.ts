/**
 * Type-level promises of `withLoaderCriteria`: the callback gets the model's typed columns (an
 * alias's too), must return a condition, and cannot name a column the model lacks; the option
 * leaves the query's result type as it was.
 */
import { aliased, select, Session, withLoaderCriteria, type Engine } from "../../src/index.js";
import { TnAdmin, TnDoc, TnMember } from "../session/fixtures/tenancy.js";

export async function loaderCriteriaTypes(engine: Engine, session: Session): Promise<void> {
  const live = withLoaderCriteria(TnDoc, (d) => d.deleted.eq(0));
  const docs: TnDoc[] = await session.scalars(select(TnDoc).options(live));
  void docs;
  withLoaderCriteria(TnDoc, (d) => d.title.like("a%"), { includeSubclasses: false });
  withLoaderCriteria(TnAdmin, (a) => a.name.isNotNull());
  withLoaderCriteria(aliased(TnMember, "m2"), (m) => m.kind.eq("admin"));
  new Session(engine, { criteria: [live, withLoaderCriteria(TnMember, (m) => m.deleted.eq(0))] });

  // @ts-expect-error TnDoc has no column "deletedAt"
  withLoaderCriteria(TnDoc, (d) => d.deletedAt.isNull());
  // @ts-expect-error a column is not a condition
  withLoaderCriteria(TnDoc, (d) => d.title);
  // @ts-expect-error a plain boolean is not a condition
  withLoaderCriteria(TnDoc, () => true);
  // @ts-expect-error the columns are TnDoc's: no relationship "writer" among them
  withLoaderCriteria(TnDoc, (d) => d.writer.isNull());
  // @ts-expect-error a value of the wrong type for the column
  withLoaderCriteria(TnDoc, (d) => d.deleted.eq("no"));
  // @ts-expect-error not an option of withLoaderCriteria
  withLoaderCriteria(TnDoc, (d) => d.deleted.eq(0), { includeAliases: true });
}
