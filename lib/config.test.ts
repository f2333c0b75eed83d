import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, DEFAULT_DATABASE_URL, parseConfig, parseDatabaseUrl, redactUrl } from "./config";

const ed25519Base64 = () =>
  generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");

describe("parseConfig", () => {
  it("gives every variable its default when nothing is set", () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toEqual({ kind: "sqlite", url: DEFAULT_DATABASE_URL, file: path.resolve("data/threadline.db") });
    expect(config.THREADLINE_MAX_BATCH_EVENTS).toBe(10_000);
    expect(config.THREADLINE_SIGNING_KEY).toBeUndefined();
    expect(config.THREADLINE_SYNTHETIC_SHARE_WARN).toBe(0.5);
  });

  it("treats an empty value as unset", () => {
    const config = parseConfig({ THREADLINE_AUTH: "", THREADLINE_API_KEY: "", THREADLINE_SESSION_HOURS: "" });
    expect(config.THREADLINE_AUTH).toBeUndefined();
    expect(config.THREADLINE_API_KEY).toBeUndefined();
    expect(config.THREADLINE_SESSION_HOURS).toBe(168);
  });

  it("names every bad variable and why in one error", () => {
    const parse = () => parseConfig({ THREADLINE_RATE_LIMIT_BURST: "lots", THREADLINE_SYNTHETIC_SHARE_WARN: "1.5", THREADLINE_AUTH: "maybe" });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/THREADLINE_RATE_LIMIT_BURST: .*number/);
    expect(parse).toThrow(/THREADLINE_SYNTHETIC_SHARE_WARN: .*1/);
    expect(parse).toThrow(/THREADLINE_AUTH: /);
  });

  it("groups one-event writes for a millisecond by default, takes 0 to turn waiting off, and refuses a window over 100 ms", () => {
    expect(parseConfig({})).toMatchObject({ THREADLINE_GROUP_COMMIT_MS: 1, THREADLINE_GROUP_COMMIT_MAX_EVENTS: 500, THREADLINE_GROUP_COMMIT_MAX_BYTES: 8 * 1024 * 1024 });
    expect(parseConfig({ THREADLINE_GROUP_COMMIT_MS: "0" }).THREADLINE_GROUP_COMMIT_MS).toBe(0);
    expect(parseConfig({ THREADLINE_GROUP_COMMIT_MS: "2.5" }).THREADLINE_GROUP_COMMIT_MS).toBe(2.5);
    expect(() => parseConfig({ THREADLINE_GROUP_COMMIT_MS: "250" })).toThrow(/THREADLINE_GROUP_COMMIT_MS: .*100/);
    expect(() => parseConfig({ THREADLINE_GROUP_COMMIT_MAX_EVENTS: "0" })).toThrow(/THREADLINE_GROUP_COMMIT_MAX_EVENTS: /);
  });

  it("reads the signing key once into a key object, and names the variable when it is not an Ed25519 key", () => {
    expect(parseConfig({ THREADLINE_SIGNING_KEY: ed25519Base64() }).THREADLINE_SIGNING_KEY?.asymmetricKeyType).toBe("ed25519");
    expect(() => parseConfig({ THREADLINE_SIGNING_KEY: "not-a-key" })).toThrow(/THREADLINE_SIGNING_KEY: .*PKCS#8/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => parseConfig({ THREADLINE_SIGNING_KEY: rsa })).toThrow(/THREADLINE_SIGNING_KEY: .*Ed25519/);
  });

  it("rejects a database URL it cannot open, naming DATABASE_URL without echoing its password", () => {
    const parse = () => parseConfig({ DATABASE_URL: "mysql://root:hunter2@db/threadline" });
    expect(parse).toThrow(/DATABASE_URL: .*SQLite file URL/);
    expect(parse).not.toThrow(/hunter2/);
  });

  it("takes a PostgreSQL store, split into its connection's fields", () => {
    const config = parseConfig({ DATABASE_URL: "postgresql://tl:hunter2@db:5433/threadline" });
    expect(config.DATABASE_URL).toMatchObject({ kind: "postgresql", connection: { host: "db", port: 5433, database: "threadline", user: "tl" } });
  });
});

describe("parseDatabaseUrl", () => {
  it("resolves a relative file against the root and drops query parameters", () => {
    expect(parseDatabaseUrl("file:./data/x.db?connection_limit=1", "/srv/app")).toMatchObject({ file: "/srv/app/data/x.db" });
    expect(parseDatabaseUrl("file:/var/lib/t.db", "/srv/app")).toMatchObject({ file: "/var/lib/t.db" });
  });

  it("keeps an in-memory database in memory", () => {
    expect(parseDatabaseUrl("file::memory:")).toMatchObject({ kind: "sqlite", file: ":memory:" });
  });

  it("splits a PostgreSQL URL into fields, decoding an escaped password", () => {
    expect(parseDatabaseUrl("postgresql://tl:p%40ss@db.internal:6543/lineage?sslmode=require")).toMatchObject({
      kind: "postgresql",
      connection: { host: "db.internal", port: 6543, user: "tl", password: "p@ss", database: "lineage", ssl: true },
    });
  });

  it("reads postgres:// too, defaulting the port to 5432 and using no TLS unless sslmode asks for it", () => {
    expect(parseDatabaseUrl("postgres://tl@localhost/lineage")).toMatchObject({
      kind: "postgresql",
      connection: { port: 5432, password: undefined, ssl: false },
    });
  });

  it("refuses a PostgreSQL URL without a database name, without echoing its password", () => {
    expect(() => parseDatabaseUrl("postgresql://tl:secret@db/")).toThrow(/names no database/);
    expect(() => parseDatabaseUrl("postgresql://tl:secret@db/")).not.toThrow(/secret/);
  });
});

describe("redactUrl", () => {
  it("hides the password and keeps the user", () => {
    expect(redactUrl("postgresql://tl:secret@db:5432/lineage")).toBe("postgresql://tl:***@db:5432/lineage");
  });
});

describe("the documented variables", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  it(".env.example and the README list every variable Threadline reads", () => {
    const example = fs.readFileSync(path.join(root, ".env.example"), "utf8");
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    for (const name of CONFIG_VARIABLES) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^#? ?${name}=`, "m"));
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
    }
  });
});
