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

/**
 * A JSON text as pieces written one after another. A piece that `continues` the one before it is an
 * array piece, `[…]` like it: written over that piece's last byte, its `]`, with a `,` in place of
 * its own `[`, so "[a,b]" then "[c]" make "[a,b,c]" without cutting either out of its brackets
 * (a cut string here was a copy: 875 KB a 2,000-node view, once more to join a comma to it).
 */
interface Pieces {
  texts: string[];
  continues: boolean[];
}

const COMMA = ",".charCodeAt(0);

/** Appends the JSON text of `value` (JSON.stringify's, exactly) to `out`, long arrays in pieces. */
function writePieces(value: unknown, out: Pieces): void {
  const push = (text: string, continues = false) => {
    out.texts.push(text);
    out.continues.push(continues);
  };
  if (Array.isArray(value) && value.length > ITEMS_A_PIECE) {
    for (let i = 0; i < value.length; i += ITEMS_A_PIECE) push(JSON.stringify(value.slice(i, i + ITEMS_A_PIECE)), i > 0);
  } else if (value !== null && typeof value === "object" && !Array.isArray(value) && isPlainObject(value)) {
    push("{");
    let first = true;
    for (const key of Object.keys(value)) {
      const item = value[key];
      // What JSON.stringify leaves out of an object.
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      push(`${first ? "" : ","}${JSON.stringify(key)}:`);
      first = false;
      writePieces(item, out);
    }
    push("}");
  } else {
    push(JSON.stringify(value));
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
  const pieces: Pieces = { texts: [], continues: [] };
  writePieces(value, pieces);
  const { texts, continues } = pieces;
  let total = 0;
  const lengths = texts.map((text, i) => {
    const length = Buffer.byteLength(text);
    total += continues[i] ? length - 1 : length;
    return length;
  });
  const bytes = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < texts.length; i++) {
    if (continues[i]) {
      offset--;
      bytes.write(texts[i]!, offset, lengths[i]!);
      bytes[offset] = COMMA;
    } else {
      bytes.write(texts[i]!, offset, lengths[i]!);
    }
    offset += lengths[i]!;
  }
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
