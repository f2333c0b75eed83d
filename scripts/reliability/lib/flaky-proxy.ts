/**
 * A TCP proxy in front of the server that loses some answers: with probability `dropRate`, data
 * coming back from the server is thrown away and both connections are cut. The server has done the
 * work (the event is committed) but the client never hears so, and retries: exactly the case in
 * which a careless store would keep the event twice.
 */
import net from "node:net";

export interface FlakyProxy {
  port: number;
  /** Answers thrown away so far. */
  dropped: () => number;
  close: () => Promise<void>;
}

export function startFlakyProxy(targetPort: number, dropRate: number, random: () => number = Math.random): Promise<FlakyProxy> {
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    client.on("error", cut);
    upstream.on("error", cut);
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => {
      if (random() < dropRate) {
        dropped++;
        cut();
        return;
      }
      client.write(chunk);
    });
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        dropped: () => dropped,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
