import "server-only";

/**
 * Items of a long array stringified together: some 60 KB of JSON for lineage nodes (~450 bytes
 * each), so no piece reaches V8's large-object size (128 KiB) and each dies young.
 */
const ITEMS_A_PIECE = 128;

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
};

/** Appends the JSON text of `value` (JSON.stringify's, exactly) to `out`, long arrays in pieces. */
function writePieces(value: unknown, out: string[]): void {
  if (Array.isArray(value) && value.length > ITEMS_A_PIECE) {
    out.push("[");
    for (let i = 0; i < value.length; i += ITEMS_A_PIECE) {
      const piece = JSON.stringify(value.slice(i, i + ITEMS_A_PIECE));
      // The piece's items without its brackets (a sliced string: no copy).
      out.push(i === 0 ? piece.slice(1, -1) : "," + piece.slice(1, -1));
    }
    out.push("]");
  } else if (value !== null && typeof value === "object" && !Array.isArray(value) && isPlainObject(value)) {
    out.push("{");
    let first = true;
    for (const key of Object.keys(value)) {
      const item = value[key];
      // What JSON.stringify leaves out of an object.
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      out.push(`${first ? "" : ","}${JSON.stringify(key)}:`);
      first = false;
      writePieces(item, out);
    }
    out.push("}");
  } else {
    out.push(JSON.stringify(value));
  }
}

/**
 * The UTF-8 bytes of `JSON.stringify(value)`, byte for byte, written without ever holding that text
 * as one string: a 2,000-node view is some 880 KB of JSON, which as one string is a large object
 * in V8's old generation on every request (its collections were the server's longest pauses), then
 * encoded into another copy. Here the long arrays are stringified in pieces of young objects and
 * encoded straight into one buffer.
 */
export function jsonBytes(value: object): Buffer {
  const pieces: string[] = [];
  writePieces(value, pieces);
  let total = 0;
  const lengths = pieces.map((piece) => {
    const length = Buffer.byteLength(piece);
    total += length;
    return length;
  });
  const bytes = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) offset += bytes.write(pieces[i]!, offset, lengths[i]!);
  return bytes;
}

/**
 * `Response.json(value, { status })` for a big answer: the same bytes and Content-Type, written by
 * jsonBytes and handed to the response as a stream of that one buffer (a buffer body would be
 * copied once more on the way).
 */
export function bigJsonResponse(value: object, status = 200): Response {
  const bytes = jsonBytes(value);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}
