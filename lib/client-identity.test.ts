import { describe, expect, it } from "vitest";
import { clientAddress, readerKey } from "./client-identity";

const from = (forwardedFor?: string, headers: Record<string, string> = {}) =>
  new Request("http://threadline.test/api/v1/stats", { headers: { ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }), ...headers } });

describe("clientAddress", () => {
  it("with no trusted proxy, is the last entry: the socket's address Next filled in", () => {
    expect(clientAddress(from("203.0.113.7"))).toBe("203.0.113.7");
    expect(clientAddress(from())).toBe("unknown");
  });

  it("behind one proxy, is what that proxy saw, whatever the client put before it", () => {
    expect(clientAddress(from("10.9.9.9, 203.0.113.7"), 1)).toBe("203.0.113.7");
  });

  it("behind two proxies (a CDN, then a load balancer), is what the outer one saw, not the CDN's own address", () => {
    const header = "1.1.1.1, 203.0.113.7, 198.51.100.20";
    expect(clientAddress(from(header), 2)).toBe("203.0.113.7");
    // Counted wrong (1 instead of 2), every client would share the CDN's address: the setting matters.
    expect(clientAddress(from(header), 1)).toBe("198.51.100.20");
  });

  it("keys a request that went round the proxies (fewer entries than proxies) on its first entry", () => {
    expect(clientAddress(from("203.0.113.7"), 3)).toBe("203.0.113.7");
  });
});

describe("readerKey", () => {
  it("prefers an API key, then a session, then the address", () => {
    expect(readerKey(from("203.0.113.7", { authorization: "Bearer tlk_abc" }))).toBe("key:tlk_abc");
    expect(readerKey(from("203.0.113.7", { cookie: "a=b; threadline_session=xyz" }))).toBe("session:xyz");
    expect(readerKey(from("9.9.9.9, 203.0.113.7"), 1)).toBe("ip:203.0.113.7");
  });
});
