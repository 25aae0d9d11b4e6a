/**
 * A mapped class is a FROM source wherever a table is: `select(func.count()).from(Track)`,
 * `.join(Track)` and `.join(Track, on)`, subqueries selecting from a model, `exists` and `in`
 * over them; run through the Session and through the Core's connection, each answer compared
 * with the same question asked in raw SQL. (Before: `.from(Model)` did not compile, and at run
 * time read `fromNode` of the class, undefined: a TypeError in the compiler.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, columnsOf, exists, func, scalarSubquery, select, sql } from "../../src/index.js";
import { MsAlbum, MsArtist, MsTrack, MusicBase } from "./fixtures/music.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const track = columnsOf(MsTrack);
const album = columnsOf(MsAlbum);
const artist = columnsOf(MsArtist);

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const queen = Object.assign(new MsArtist(), { name: "Queen" });
  const abba = Object.assign(new MsArtist(), { name: "ABBA" });
  const opera = Object.assign(new MsAlbum(), { title: "A Night at the Opera", artist: queen });
  const jazz = Object.assign(new MsAlbum(), { title: "Jazz", artist: queen });
  const arrival = Object.assign(new MsAlbum(), { title: "Arrival", artist: abba });
  const tracks: [string, MsAlbum | null, number][] = [
    ["Bohemian Rhapsody", opera, 354000],
    ["Love of My Life", opera, 219000],
    ["Death on Two Legs", opera, 223000],
    ["Mustapha", jazz, 182000],
    ["Dancing Queen", arrival, 230000],
    ["Loose Single", null, 100000],
  ];
  session.addAll([queen, abba, Object.assign(new MsArtist(), { name: "Nobody" }), opera, jazz, arrival]);
  for (const [name, on, milliseconds] of tracks) session.add(Object.assign(new MsTrack(), { name, album: on, milliseconds }));
  await session.commit();
}

/** The rows of a raw query, numbers as numbers (MariaDB and PostgreSQL return count(*) as text or bigint). */
async function raw(ctx: SessionContext, query: string): Promise<unknown[][]> {
  const rows = (await ctx.engine.execute(sql<Record<string, unknown>>`${sql.raw(query)}`)).rows;
  return rows.map((row) => Object.values(row).map((v) => (typeof v === "bigint" || (typeof v === "string" && /^\d+$/.test(v)) ? Number(v) : v)));
}

forEachDatabaseWithSchema("a mapped class as a FROM source", MusicBase.metadata, (ctx) => {
  test("select(func.count()).from(Model), with and without WHERE, through the Session and the Core", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [[all]] = await raw(ctx, "SELECT count(*) FROM ms_tracks");
    assert.equal(all, 6);
    assert.equal(Number(await session.scalar(select(func.count()).from(MsTrack))), all);
    const [[long]] = await raw(ctx, "SELECT count(*) FROM ms_tracks WHERE milliseconds > 220000");
    assert.equal(Number(await session.scalar(select(func.count()).from(MsTrack).where(track.milliseconds.gt(220000)))), long);
    const conn = await ctx.engine.connect();
    try {
      const rows = (await conn.execute(select(func.count().label("n")).from(MsTrack))).rows;
      assert.deepEqual(rows.map((r) => Number(r.n)), [all]);
    } finally {
      await conn.close();
    }
  });

  test("from(Model).join(Model): inferred from the foreign key, or with an ON clause; left joins keep the unmatched", async () => {
    await seed(ctx);
    const session = ctx.session();
    const inferred = await session.execute(
      select(album.title, func.count().label("n")).from(MsAlbum).join(MsTrack).groupBy(album.title).orderBy(album.title),
    );
    const expected = await raw(ctx, "SELECT a.title, count(*) FROM ms_albums a JOIN ms_tracks t ON t.album_id = a.album_id GROUP BY a.title ORDER BY a.title");
    assert.deepEqual(inferred.map(([title, n]) => [title, Number(n)]), expected);
    assert.equal(expected.length, 3);

    const explicit = await session.execute(
      select(artist.name, func.count(track.id).label("n"))
        .from(MsArtist)
        .leftJoin(MsAlbum, album.artistId.eq(artist.id))
        .leftJoin(MsTrack, track.albumId.eq(album.id))
        .groupBy(artist.name)
        .orderBy(artist.name),
    );
    const expectedLeft = await raw(
      ctx,
      "SELECT ar.name, count(t.track_id) FROM ms_artists ar LEFT JOIN ms_albums a ON a.artist_id = ar.artist_id LEFT JOIN ms_tracks t ON t.album_id = a.album_id GROUP BY ar.name ORDER BY ar.name",
    );
    assert.deepEqual(explicit.map(([name, n]) => [name, Number(n)]), expectedLeft);
    assert.ok(expectedLeft.some(([name, n]) => name === "Nobody" && n === 0), "the artist without albums is kept");
  });

  test("a subquery that selects from a model, joined to another model; exists() and in() over from(Model)", async () => {
    await seed(ctx);
    const session = ctx.session();
    const longest = select(track.albumId, func.max(track.milliseconds).label("longest")).from(MsTrack).groupBy(track.albumId).subquery("longest");
    const rows = await session.execute(select(album.title, longest.c.longest).from(MsAlbum).join(longest, longest.c.albumId.eq(album.id)).orderBy(album.title));
    const expected = await raw(
      ctx,
      "SELECT a.title, l.longest FROM ms_albums a JOIN (SELECT album_id, max(milliseconds) AS longest FROM ms_tracks GROUP BY album_id) l ON l.album_id = a.album_id ORDER BY a.title",
    );
    assert.deepEqual(rows.map(([title, ms]) => [title, Number(ms)]), expected);

    const withTracks = await session.scalars(select(MsAlbum).where(exists(select(track.id).from(MsTrack).where(track.albumId.eq(album.id), track.milliseconds.gt(300000)))));
    assert.deepEqual(withTracks.map((a) => a.title), ["A Night at the Opera"]);

    const artistsWithAlbums = await session.scalars(select(artist.name).where(artist.id.in(select(album.artistId).from(MsAlbum))).orderBy(artist.name));
    assert.deepEqual(artistsWithAlbums, (await raw(ctx, "SELECT name FROM ms_artists WHERE artist_id IN (SELECT artist_id FROM ms_albums) ORDER BY name")).map(([n]) => n));

    const counted = await session.execute(
      select(album.title, scalarSubquery(select(func.count().label("n")).from(MsTrack).where(track.albumId.eq(album.id))).label("tracks")).orderBy(album.title),
    );
    const expectedCounts = await raw(ctx, "SELECT a.title, (SELECT count(*) FROM ms_tracks t WHERE t.album_id = a.album_id) FROM ms_albums a ORDER BY a.title");
    assert.deepEqual(counted.map(([title, n]) => [title, Number(n)]), expectedCounts);
  });

  test("a class that is not mapped is refused by from() and join() with ArgumentError naming it", () => {
    class NotAModel {}
    assert.throws(() => select(func.count()).from(NotAModel), (e: unknown) => e instanceof ArgumentError && /from\(\): class NotAModel is not a mapped model/.test(e.message));
    assert.throws(() => select(func.count()).from(MsTrack).join(NotAModel), (e: unknown) => e instanceof ArgumentError && /join\(\): class NotAModel/.test(e.message));
  });
}, { createOnce: true, sqliteFile: true }); // raw SQL beside an open session: a second connection
