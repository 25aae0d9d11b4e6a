/**
 * Compile-time tests: a mapped class is a FROM source wherever a table is (`from`, the joins, a
 * subquery selecting from it), with the row types those statements have with tables. Checked by
 * `tsc` in `npm test` (never executed); each `@ts-expect-error` must be needed. Run-time twin:
 * test/session/entity-from.test.ts.
 */
import { columnsOf, exists, func, scalarSubquery, select, type Session } from "athanor";
import { MsAlbum, MsArtist, MsTrack } from "../session/fixtures/music.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type RowOf<S> = S extends { readonly __row?: infer R } ? R : never;
type TupleOf<S> = S extends { readonly __tuple?: infer T } ? T : never;

const track = columnsOf(MsTrack);
const album = columnsOf(MsAlbum);
const artist = columnsOf(MsArtist);

// from(Model): the row type is the select list's, as with a table.
const counted = select(func.count().label("n")).from(MsTrack).where(track.milliseconds.gt(1000));
export type E1 = Expect<Equal<RowOf<typeof counted>, { n: number }>>;

// Joins to models, inferred or with ON; several FROM items at once.
const perAlbum = select(album.title, func.count().label("n")).from(MsAlbum).join(MsTrack).groupBy(album.title);
export type E2 = Expect<Equal<RowOf<typeof perAlbum>, { title: string; n: number }>>;
const perArtist = select(artist.name).from(MsArtist).leftJoin(MsAlbum, album.artistId.eq(artist.id)).rightJoin(MsTrack, track.albumId.eq(album.id));
export type E3 = Expect<Equal<TupleOf<typeof perArtist>, [string]>>;
export const both = select(func.count()).from(MsAlbum, MsTrack);

// A subquery selecting from a model, joined like a table; exists(), in() and scalar subqueries over from(Model).
const longest = select(track.albumId, func.max(track.milliseconds).label("longest")).from(MsTrack).groupBy(track.albumId).subquery("longest");
const withLongest = select(album.title, longest.c.longest).from(MsAlbum).join(longest, longest.c.albumId.eq(album.id));
export type E4 = Expect<Equal<RowOf<typeof withLongest>, { title: string; longest: number | null }>>;
export const filtered = select(MsAlbum)
  .where(exists(select(track.id).from(MsTrack).where(track.albumId.eq(album.id))))
  .where(album.artistId.in(select(artist.id).from(MsArtist)));
export const withCount = select(album.title, scalarSubquery(select(func.count().label("n")).from(MsTrack).where(track.albumId.eq(album.id))).label("tracks"));
export async function scalarOf(session: Session): Promise<number | undefined> {
  return session.scalar(select(func.count()).from(MsTrack));
}

// Not a FROM source: a string, a column, a plain object.
// @ts-expect-error a table name is not a source: pass the model or the Table
export const byName = select(func.count()).from("ms_tracks");
// @ts-expect-error a column is not a source
export const byColumn = select(func.count()).from(track.id);
// @ts-expect-error a plain object is not a source
export const byObject = select(func.count()).join({ name: "ms_tracks" });
