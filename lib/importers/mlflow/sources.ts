import fs from "node:fs";
import path from "node:path";
import { ImportError } from "../errors";
import { isFileStore, readFileStore } from "./file-store";
import type { MlflowSnapshot } from "./model";
import { RestStore, type RestOptions } from "./rest-store";
import { isSqliteFile, readSqlStore } from "./sql-store";

/**
 * Which kind of MLflow store a command-line source names, and a reader for it:
 * - `http://…` / `https://…`: a tracking server (REST API);
 * - `sqlite:///path/mlflow.db` or a SQLite file: the SQL store;
 * - a folder with experiment folders (`mlruns/`): the file store (`file://` URIs accepted too).
 * Anything else is refused with a message naming the place.
 */

export interface MlflowSource {
  kind: "file" | "sql" | "rest";
  location: string;
  read: () => Promise<MlflowSnapshot>;
}

export function openSource(arg: string, rest: RestOptions = {}): MlflowSource {
  if (/^https?:\/\//i.test(arg)) {
    const store = new RestStore(arg, rest);
    return { kind: "rest", location: arg, read: () => store.read() };
  }
  const local = arg.startsWith("sqlite:///") ? `/${arg.slice("sqlite:///".length).replace(/^\/+/, "")}` : arg.startsWith("file://") ? new URL(arg).pathname : arg;
  const full = path.resolve(local);
  if (!fs.existsSync(full)) throw new ImportError(full, "no such file or folder");
  if (isSqliteFile(full)) return { kind: "sql", location: full, read: async () => readSqlStore(full) };
  if (fs.statSync(full).isDirectory()) {
    if (isFileStore(full)) return { kind: "file", location: full, read: async () => readFileStore(full) };
    // `mlflow ui` run in a project folder keeps its store in ./mlruns or ./mlflow.db.
    const db = path.join(full, "mlflow.db");
    if (isSqliteFile(db)) return { kind: "sql", location: db, read: async () => readSqlStore(db) };
    const mlruns = path.join(full, "mlruns");
    if (isFileStore(mlruns)) return { kind: "file", location: mlruns, read: async () => readFileStore(mlruns) };
  }
  throw new ImportError(full, "not an MLflow tracking store (expected an mlruns/ folder, an mlflow.db SQLite file or an http(s):// tracking server)");
}
