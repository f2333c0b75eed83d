/**
 * Copies the log and projection rows of one store into another, row for row, so a read can be
 * compared or measured across backends on identical data: the store contract suites (tests/store)
 * and the walk benchmark (scripts/bench/walk.ts). Booleans travel as 0/1, which PostgreSQL reads as
 * booleans. On PostgreSQL the id sequences of the copied tables are moved past the copied ids, so
 * the copy can be written to afterwards (the benchmark posts into it); `npm run store:copy`, which
 * replays the log, is the way to move a real store.
 */
import type { Store } from "@/lib/server/store/types";

/** Every table the log and its projection fill, parents first. */
export const LINEAGE_TABLES = ["Event", "Node", "Edge", "Job", "Run", "Dataset", "DatasetVersion", "RunDataset", "EventNode", "Flag", "FieldNode", "FieldEdge", "DatasetField", "ArtefactDigest", "ArtefactWatermark", "ArtefactSignature"];

/** Rows read and inserted per statement (PostgreSQL binds at most 65,535 parameters a statement). */
const PAGE_PARAMETERS = 30_000;

export async function copyTables(
  from: Store,
  to: Store,
  tables: readonly string[] = LINEAGE_TABLES,
  onTable?: (table: string, rows: number) => void,
): Promise<void> {
  await to.transaction(async (tx) => {
    for (const table of tables) {
      const [first] = await from.all<Record<string, unknown>>(`SELECT * FROM "${table}" LIMIT 1`);
      if (!first) continue;
      const columns = Object.keys(first);
      const page = Math.max(1, Math.floor(PAGE_PARAMETERS / columns.length));
      const row = `(${columns.map(() => "?").join(", ")})`;
      let copied = 0;
      for (;;) {
        const rows = await from.all<Record<string, string | number | null>>(`SELECT * FROM "${table}" LIMIT ? OFFSET ?`, [page, copied]);
        if (rows.length === 0) break;
        await tx.run(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${rows.map(() => row).join(", ")}`,
          rows.flatMap((r) => columns.map((c) => r[c] ?? null)),
        );
        copied += rows.length;
      }
      onTable?.(table, copied);
      if (copied > 0 && tx.dialect.backend === "postgresql") {
        // Columns with a generated value (Node.id, FieldNode.id, Event.seq): the next value follows the copied ones.
        const generated = await tx.all<{ column: string }>(
          `SELECT column_name AS "column" FROM information_schema.columns WHERE table_name = ? AND column_default LIKE 'nextval%'`,
          [table],
        );
        for (const { column } of generated) {
          await tx.get(`SELECT setval(pg_get_serial_sequence(?, ?), (SELECT MAX("${column}") FROM "${table}"))`, [`"${table}"`, column]);
        }
      }
    }
  });
}
