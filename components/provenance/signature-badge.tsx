import { memo } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { SIGNATURE_LABELS, type SignatureStatus } from "@/lib/lineage/provenance";
import type { LineageNode } from "@/lib/lineage/types";

const TONES: Record<SignatureStatus, BadgeTone> = {
  verified: "success",
  invalid: "danger",
  "unknown-signer": "warning",
  revoked: "danger",
  unsigned: "neutral",
};

const EXPLANATIONS: Record<SignatureStatus, string> = {
  verified: "The producer's registered key signed this content hash.",
  invalid: "The signature does not match the content hash under the registered key: the artefact or its digest was changed after signing.",
  "unknown-signer": "Signed with a key that is not registered (or not for this namespace).",
  revoked: "Signed with a key that has since been revoked.",
  unsigned: "The producer sent no signature.",
};

/** A producer signature's status as a badge, with who signed in its tooltip. */
export const SignatureBadge = memo(function SignatureBadge({ status, signerName, className }: { status: SignatureStatus; signerName?: string | null; className?: string }) {
  return (
    <Badge tone={TONES[status]} className={className} title={`${EXPLANATIONS[status]}${signerName ? ` Signer: ${signerName}.` : ""}`}>
      <span data-testid="signature-status" data-status={status}>
        {SIGNATURE_LABELS[status]}
      </span>
    </Badge>
  );
});

/** How a producer signature's status reads on a graph node (unsigned shows nothing: most data is). */
const NODE_LOOKS: Record<Exclude<SignatureStatus, "unsigned">, { label: string; glyph: string; className: string }> = {
  verified: { label: "✓ signed", glyph: "✓", className: "bg-success-soft text-success" },
  invalid: { label: "signature invalid", glyph: "✗", className: "bg-danger text-white" },
  "unknown-signer": { label: "unknown signer", glyph: "?", className: "bg-warning-soft text-warning" },
  revoked: { label: "signer revoked", glyph: "⊘", className: "bg-danger-soft text-danger" },
};

/** What a node's signature badge says in full: the status, the signer, and for a dataset which version. */
export function describeNodeSignature(node: Pick<LineageNode, "type" | "version" | "signatureStatus" | "signerName">): string | null {
  if (!node.signatureStatus || node.signatureStatus === "unsigned") return null;
  const of = node.type === "dataset" && node.version ? `Latest version ${node.version}: ` : "";
  const status = SIGNATURE_LABELS[node.signatureStatus];
  return `${of}${of ? status.toLowerCase() : status}${node.signerName ? ` (signer: ${node.signerName})` : ""}`;
}

/**
 * The signature badge on a graph node (a version, or a dataset for its latest version): the explorer,
 * shares and investigations draw the same one. Its title and accessible name say status and signer.
 * A compact node (a narrow box) draws only the status's glyph: words would be cut mid-way.
 */
export const NodeSignatureBadge = memo(function NodeSignatureBadge({ node, isCompact = false }: { node: Pick<LineageNode, "type" | "version" | "signatureStatus" | "signerName">; isCompact?: boolean }) {
  const description = describeNodeSignature(node);
  if (!description || !node.signatureStatus || node.signatureStatus === "unsigned") return null;
  const look = NODE_LOOKS[node.signatureStatus];
  return (
    <span
      data-testid="badge-signature"
      data-status={node.signatureStatus}
      title={description}
      aria-label={description}
      className={`whitespace-nowrap rounded px-1 text-[10px] font-semibold uppercase leading-4 ${look.className}`}
    >
      {isCompact ? look.glyph : look.label}
    </span>
  );
});
