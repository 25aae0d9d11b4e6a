/**
 * A TCP proxy on 127.0.0.1 in front of a database server, for tests of lost connections: it
 * forwards bytes both ways until told to break a connection at a chosen moment. Engines reach
 * the server through it with `proxy.url(databaseUrl)`.
 *
 * - `loseReplyTo("COMMIT")`: the next client message containing that text reaches the server,
 *   which acts on it; its reply is dropped and the connection reset. The client cannot know
 *   whether the server acted.
 * - `cutBefore("CREATE INDEX")`: the next client message containing that text never reaches the
 *   server; the connection is reset instead (killed between the previous statement and this one).
 * - `resetAll()`: every connection is reset now, between statements.
 * - `holdNextConnection()`: what the server sends on the next connection is held back (a slow
 *   network) until `release()`, then delivered in one piece, the server's close after it.
 * - `delayReplyTo("COMMIT")`: the next client message containing that text reaches the server;
 *   what the server sends after it on that connection is held back (a reply slow to come) until
 *   `release()`. The connection stays open meanwhile.
 * - `goSilent()`: every connection open now goes silent, as to a host that lost power or a
 *   network partition: the sockets stay open, nothing is forwarded either way, no reset, no FIN.
 *   New connections are forwarded as usual (a failover's new primary).
 * - `holdAll()`: what the server sends on every connection open now (an error, its close) is held
 *   back until `release()`: the server has ended a pooled connection, the client has not heard.
 * - `silenceAfter("COMMIT")`: the next client message containing that text reaches the server,
 *   which acts on it; then its connection goes silent as above.
 * - `cutReplyAfter("RETURNING", 65536)`: the next client message containing that text reaches the
 *   server; the first bytes of what the server sends after it go through, then the connection is
 *   reset: a reply lost mid-result, whatever the speed of the client reading it.
 */
import net from "node:net";

interface Pair {
  readonly client: net.Socket;
  readonly server: net.Socket;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  /** Connections gone silent (`goSilent`): nothing forwarded, nothing closed. */
  private readonly silenced = new WeakSet<Pair>();
  private armed: { readonly text: string; readonly done: () => void } | undefined;
  private cut: { readonly text: string; readonly done: () => void } | undefined;
  private holdNext: Hold | undefined;
  /** The server's side of connections held by `holdAll`. */
  private readonly heldPairs = new Map<Pair, Hold>();
  private silencing: { readonly text: string; readonly done: () => void } | undefined;
  private delayed: { readonly text: string; readonly hold: Hold; readonly held: () => void } | undefined;
  private cutReply: { readonly text: string; readonly bytes: number; readonly done: () => void } | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly target: { readonly host: string; readonly port: number },
  ) {}

  /** Starts a proxy to `databaseUrl`'s host and port, on a free local port. */
  static async start(databaseUrl: string, defaultPort: number): Promise<TcpProxy> {
    const parsed = new URL(databaseUrl);
    const target = { host: parsed.hostname || "127.0.0.1", port: parsed.port ? Number(parsed.port) : defaultPort };
    // Half-open allowed: a silent peer does not answer the client's FIN either (see `accept`).
    const server = net.createServer({ allowHalfOpen: true });
    const proxy = new TcpProxy(server, target);
    server.on("connection", (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** Connections the client has not closed (a silent one stays half-open in the proxy: counted until the client's FIN). */
  get connections(): number {
    let open = 0;
    for (const pair of this.pairs) if (!pair.client.readableEnded && !pair.client.destroyed) open++;
    return open;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  /**
   * Arms the proxy: the next client message containing `text` is forwarded; the server's reply
   * to it is dropped and both sides reset. Resolves when that has happened.
   */
  loseReplyTo(text: string): Promise<void> {
    return new Promise((resolve) => {
      this.armed = { text, done: resolve };
    });
  }

  /**
   * The next client message containing `text` is not forwarded: the connection is reset instead,
   * so the server never sees it. Resolves when that has happened.
   */
  cutBefore(text: string): Promise<void> {
    return new Promise((resolve) => {
      this.cut = { text, done: resolve };
    });
  }

  /**
   * The next connection's server bytes are held back, its server's close too, until `release()`:
   * then the client gets them in one write (and a FIN if the server closed meanwhile).
   */
  holdNextConnection(): { readonly release: () => void } {
    const hold = new Hold();
    this.holdNext = hold;
    return { release: () => hold.release() };
  }

  /**
   * The next client message containing `text` is forwarded; the server's reply, and whatever it
   * sends after, is held back until `release()`. `held` resolves once that message went through.
   */
  delayReplyTo(text: string): { readonly held: Promise<void>; readonly release: () => void } {
    const hold = new Hold();
    let held!: () => void;
    const went = new Promise<void>((resolve) => (held = resolve));
    this.delayed = { text, hold, held };
    return { held: went, release: () => hold.release() };
  }

  /**
   * Every connection open now stops forwarding, both ways, and is never closed by the proxy: the
   * client's bytes vanish and no answer comes, until the client gives up (or `close()`).
   */
  goSilent(): void {
    for (const pair of this.pairs) this.silenced.add(pair);
  }

  /** What the server sends on each connection open now, its close too, waits until `release()`. */
  holdAll(): { readonly release: () => void } {
    const holds: Hold[] = [];
    for (const pair of this.pairs) {
      const hold = new Hold();
      hold.attach(pair.client, () => this.pairs.delete(pair) && pair.server.destroy());
      this.heldPairs.set(pair, hold);
      holds.push(hold);
    }
    return { release: () => holds.forEach((hold) => hold.release()) };
  }

  /**
   * The next client message containing `text` is forwarded, then its connection goes silent
   * (`goSilent`). Resolves once that message went through.
   */
  silenceAfter(text: string): Promise<void> {
    return new Promise((resolve) => {
      this.silencing = { text, done: resolve };
    });
  }

  /**
   * The next client message containing `text` is forwarded; the first `bytes` bytes the server
   * sends after it go through, then the connection is reset. Resolves when that has happened.
   */
  cutReplyAfter(text: string, bytes: number): Promise<void> {
    return new Promise((resolve) => {
      this.cutReply = { text, bytes, done: resolve };
    });
  }

  /** Resets every proxied connection now. */
  resetAll(): void {
    for (const pair of this.pairs) this.reset(pair);
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const server = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, server };
    this.pairs.add(pair);
    const hold = this.holdNext;
    this.holdNext = undefined;
    hold?.attach(client, () => this.pairs.delete(pair) && server.destroy());
    /** Set once the armed message went through: the server's next bytes are its reply. */
    let dropReply: (() => void) | undefined;
    /** Set once a delayed message went through: the server's bytes after it are held. */
    let delay: Hold | undefined;
    /** Set once a `cutReplyAfter` message went through: how much more of the reply goes through. */
    let cutAfter: { remaining: number; readonly done: () => void } | undefined;
    client.on("data", (chunk: Buffer) => {
      if (this.silenced.has(pair)) return;
      const cut = this.cut;
      if (cut && chunk.includes(cut.text)) {
        this.cut = undefined;
        this.reset(pair);
        cut.done();
        return;
      }
      server.write(chunk);
      const silencing = this.silencing;
      if (silencing && chunk.includes(silencing.text)) {
        this.silencing = undefined;
        this.silenced.add(pair);
        silencing.done();
      }
      const armed = this.armed;
      if (armed && chunk.includes(armed.text)) {
        this.armed = undefined;
        dropReply = armed.done;
      }
      const delayed = this.delayed;
      if (delayed && chunk.includes(delayed.text)) {
        this.delayed = undefined;
        delay = delayed.hold;
        delay.attach(client, () => this.pairs.delete(pair) && server.destroy());
        delayed.held();
      }
      const cutReply = this.cutReply;
      if (cutReply && chunk.includes(cutReply.text)) {
        this.cutReply = undefined;
        cutAfter = { remaining: cutReply.bytes, done: cutReply.done };
      }
    });
    server.on("data", (chunk: Buffer) => {
      if (this.silenced.has(pair)) return;
      if (hold?.keep(chunk) || delay?.keep(chunk) || this.heldPairs.get(pair)?.keep(chunk)) return;
      if (cutAfter) {
        if (chunk.length < cutAfter.remaining) {
          cutAfter.remaining -= chunk.length;
          client.write(chunk);
          return;
        }
        // Written, then reset at once: the client reads these bytes, then the connection is gone.
        client.write(chunk.subarray(0, cutAfter.remaining), () => {
          this.reset(pair);
          cutAfter!.done();
        });
        return;
      }
      if (!dropReply) {
        client.write(chunk);
        return;
      }
      // The server has answered: it has acted on the message. The client never hears of it.
      this.reset(pair);
      dropReply();
    });
    // A silent peer sends nothing, not even its close: only the client's own close ends the pair.
    const end = () => this.reset(pair);
    const serverEnd = () => (this.silenced.has(pair) || hold?.keepClose() || delay?.keepClose() || this.heldPairs.get(pair)?.keepClose() ? undefined : end());
    client.on("error", end).on("close", end);
    // The client gave up on a silent peer: the dead host's sessions (their transactions, their
    // locks) are gone with it, as after a failover; the client hears nothing.
    client.on("end", () => (this.silenced.has(pair) ? pair.server.destroy() : client.end()));
    server.on("error", serverEnd).on("close", serverEnd);
  }

  private reset(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.resetAndDestroy();
    pair.server.destroy();
  }
}

/** The server's side of one connection held back: its bytes, and whether it closed. */
class Hold {
  private readonly chunks: Buffer[] = [];
  private holding = true;
  private closed = false;
  private client: net.Socket | undefined;
  private forget: (() => void) | undefined;

  attach(client: net.Socket, forget: () => void): void {
    this.client = client;
    this.forget = forget;
  }

  /** Whether `chunk` is held back. */
  keep(chunk: Buffer): boolean {
    if (this.holding) this.chunks.push(chunk);
    return this.holding;
  }

  /** Whether the server's close is held back. */
  keepClose(): boolean {
    if (this.holding) this.closed = true;
    return this.holding;
  }

  release(): void {
    this.holding = false;
    if (this.chunks.length) this.client?.write(Buffer.concat(this.chunks));
    if (this.closed) {
      this.forget?.();
      this.client?.end();
    }
  }
}
