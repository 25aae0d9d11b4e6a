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
 */
import net from "node:net";

interface Pair {
  readonly client: net.Socket;
  readonly server: net.Socket;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private armed: { readonly text: string; readonly done: () => void } | undefined;
  private cut: { readonly text: string; readonly done: () => void } | undefined;

  private constructor(
    private readonly server: net.Server,
    private readonly target: { readonly host: string; readonly port: number },
  ) {}

  /** Starts a proxy to `databaseUrl`'s host and port, on a free local port. */
  static async start(databaseUrl: string, defaultPort: number): Promise<TcpProxy> {
    const parsed = new URL(databaseUrl);
    const target = { host: parsed.hostname || "127.0.0.1", port: parsed.port ? Number(parsed.port) : defaultPort };
    const server = net.createServer();
    const proxy = new TcpProxy(server, target);
    server.on("connection", (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
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
    /** Set once the armed message went through: the server's next bytes are its reply. */
    let dropReply: (() => void) | undefined;
    client.on("data", (chunk: Buffer) => {
      const cut = this.cut;
      if (cut && chunk.includes(cut.text)) {
        this.cut = undefined;
        this.reset(pair);
        cut.done();
        return;
      }
      server.write(chunk);
      const armed = this.armed;
      if (armed && chunk.includes(armed.text)) {
        this.armed = undefined;
        dropReply = armed.done;
      }
    });
    server.on("data", (chunk: Buffer) => {
      if (!dropReply) {
        client.write(chunk);
        return;
      }
      // The server has answered: it has acted on the message. The client never hears of it.
      this.reset(pair);
      dropReply();
    });
    const end = () => this.reset(pair);
    client.on("error", end).on("close", end);
    server.on("error", end).on("close", end);
  }

  private reset(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.resetAndDestroy();
    pair.server.destroy();
  }
}
