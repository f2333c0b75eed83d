import { memo } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { SIGNATURE_LABELS, type SignatureStatus } from "@/lib/lineage/provenance";

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
