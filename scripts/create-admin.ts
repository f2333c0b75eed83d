/**
 * npm run create-admin -- <username> — creates an admin who signs in with a password, or sets a new
 * password for an existing one (which also ends their sessions). The password comes from
 * THREADLINE_ADMIN_PASSWORD, else is asked for twice on the terminal (not echoed), else is read as
 * the first line of stdin. Once a user exists, Threadline requires credentials for every write.
 */
import readline from "node:readline";
import { Writable } from "node:stream";
import { closeDatabase, getStore } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { MIN_PASSWORD_LENGTH, upsertUser } from "@/lib/server/auth-users";

async function ask(question: string): Promise<string> {
  // Echo the question but not what is typed.
  let isMuted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!isMuted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  isMuted = true;
  const value = await answer;
  rl.close();
  process.stdout.write("\n");
  return value;
}

async function firstLineOfStdin(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return "";
}

async function readPassword(): Promise<string> {
  if (process.env.THREADLINE_ADMIN_PASSWORD) return process.env.THREADLINE_ADMIN_PASSWORD;
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await ask(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  const second = await ask("Same password again: ");
  if (first !== second) throw new AppError("bad_request", "The two passwords differ.");
  return first;
}

async function main(): Promise<number> {
  const username = process.argv[2];
  if (!username || username.startsWith("-")) {
    console.error("Usage: npm run create-admin -- <username>   (password from THREADLINE_ADMIN_PASSWORD, the terminal or stdin)");
    return 2;
  }
  const store = getStore();
  const hasTable = await store.get(`SELECT 1 FROM "User" LIMIT 1`).then(
    () => true,
    () => false,
  );
  if (!hasTable) {
    console.error("The database has no User table yet: run npm run db:migrate first.");
    return 1;
  }
  const password = await readPassword();
  const { created } = await upsertUser(store, username, password, "admin");
  console.log(
    created
      ? `Created admin ${username}. Writes now need credentials: sign in at /signin, and create API keys for machines at /admin.`
      : `Set a new password for ${username}; their existing sessions were ended.`,
  );
  return 0;
}

main()
  .then(async (code) => {
    await closeDatabase();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof AppError ? `create-admin: ${error.message}` : error);
    await closeDatabase();
    process.exit(1);
  });
