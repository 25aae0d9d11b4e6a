/**
 * The athanor side of the ORM-vs-raw benchmark: the Session, as an application uses it. W1 builds
 * the objects and commits them through one session (the cascade brings children and
 * associations along); W2 is `selectinLoad`; W3 `session.scalars(select(Item))`; W4
 * `session.get`. Each workload uses a fresh session, closed after the clock stops.
 */
import { createEngine, select, selectinLoad, Session, sql, type Engine } from "athanor";
import { CHILDREN, PARENTS, type DatabaseName, type Width } from "../harness/config.js";
import { extraData, links, type Done, type Handle, type Side } from "../harness/side.js";
import { Association, Child, Item2, Item5, Parent } from "../models.js";

function closing(session: Session, count: number): Done {
  return { count, after: () => session.close() };
}

/** A handle on an engine: `open()` gives a fresh one (its own pool and statement cache). */
export function athanorHandle(engine: Engine): Handle {
  return {
    async insert() {
      const parents = Array.from({ length: PARENTS }, () => new Parent());
      const children = Array.from({ length: CHILDREN }, () => new Child());
      let count = 0;
      for (const [p, c] of links()) {
        const association = new Association();
        association.extraData = extraData(p, c);
        association.parent = parents[p]!;
        association.child = children[c]!;
        count++;
      }
      const session = new Session(engine);
      session.addAll(parents); // children and associations come along (save-update cascade)
      await session.commit();
      return closing(session, count);
    },
    async selectin() {
      const session = new Session(engine);
      const parents = await session.scalars(select(Parent).options(selectinLoad(Parent, "children")));
      let touched = 0;
      for (const parent of parents) touched += parent.children.length;
      return closing(session, touched);
    },
    async hydrate(width: Width) {
      const session = new Session(engine);
      const rows = width === 2 ? await session.scalars(select(Item2)) : await session.scalars(select(Item5));
      return closing(session, rows.length);
    },
    async get(width: Width, ids: readonly number[]) {
      const session = new Session(engine);
      const model = width === 2 ? Item2 : Item5;
      let found = 0;
      for (const id of ids) if (await session.get(model, id)) found++;
      return closing(session, found);
    },
    close: () => engine.dispose(),
  };
}

export async function athanorSide(_db: DatabaseName, url: string): Promise<Side> {
  return {
    name: "athanor",
    version: "this checkout",
    async open() {
      const engine = createEngine(url);
      // Connects (untimed); compiles no statement of the workloads.
      await engine.execute(sql`SELECT 1`);
      return athanorHandle(engine);
    },
  };
}
