import type { NodeDetail } from "@/lib/lineage/types";
import { PanelSection } from "./panel-section";

/**
 * A dataset's (or version's) schema: each field by path with its type and description, nested
 * fields indented under their parent. What changed between versions is in Changes.
 */
export function SchemaSection({ detail }: { detail: NodeDetail }) {
  if (detail.schema.length === 0) return null;
  return (
    <PanelSection id="panel-schema" title="Schema" count={detail.schema.length} testId="section-schema">
      <table className="w-full table-fixed text-left text-xs">
        <thead className="text-ink-muted">
          <tr>
            <th scope="col" className="w-[45%] py-1 pr-2 font-medium">Field</th>
            <th scope="col" className="w-[22%] py-1 pr-2 font-medium">Type</th>
            <th scope="col" className="py-1 font-medium">Description</th>
          </tr>
        </thead>
        <tbody>
          {detail.schema.map((field) => {
            const depth = field.name.split(".").length - 1;
            return (
              <tr key={field.name} className="border-t border-line align-top" data-testid="schema-field">
                <td className="break-all py-1 pr-2 font-mono text-ink" style={{ paddingLeft: depth * 12 }} title={field.name}>
                  {depth > 0 ? field.name.slice(field.name.lastIndexOf(".") + 1) : field.name}
                </td>
                <td className="break-all py-1 pr-2 font-mono text-ink-muted">{field.type ?? "—"}</td>
                <td className="py-1 text-ink-muted">{field.description ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </PanelSection>
  );
}
