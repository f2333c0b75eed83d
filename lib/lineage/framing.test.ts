import { describe, expect, it } from "vitest";
import { FIT_PADDING, FRAME_WHOLE_LIMIT, READABLE_ZOOM, frameView, framesOf, isBiggerThanScreen, pickFrame, type FramedBox, type Viewport } from "./framing";

const box = (id: string, x: number, y: number): FramedBox => ({ id, position: { x, y }, width: 300, height: 70 });
/** A chain laid out left to right, 380 px a rank. */
const chain = (n: number) => Array.from({ length: n }, (_, i) => box(`n${i}`, i * 380, 0));
/** A focus in the middle of a column of `n` nodes on each side. */
const star = (n: number) => [box("focus", 0, 0), ...Array.from({ length: n }, (_, i) => box(`up${i}`, -380, (i - n / 2) * 100)), ...Array.from({ length: n }, (_, i) => box(`down${i}`, 380, (i - n / 2) * 100))];

/** Whether a box lies wholly inside the canvas under a viewport. */
function isOnScreen(b: FramedBox, v: Viewport, width: number, height: number): boolean {
  const left = b.position.x * v.zoom + v.x;
  const top = b.position.y * v.zoom + v.y;
  return left >= 0 && top >= 0 && left + b.width * v.zoom <= width && top + b.height * v.zoom <= height;
}

describe("frameView", () => {
  it("frames every box of a small view, a 9-step chain in a 1,000 px canvas included", () => {
    const boxes = chain(9);
    const v = frameView(boxes, { focusId: "n8", near: ["n7"], width: 1000, height: 700 })!;
    expect(boxes.every((b) => isOnScreen(b, v, 1000, 700))).toBe(true);
  });

  it("centres a small view and does not blow it up past life size", () => {
    const boxes = chain(2);
    const v = frameView(boxes, { focusId: "n0", near: ["n1"], width: 1400, height: 800 })!;
    expect(v.zoom).toBeLessThanOrEqual(1.1);
    const left = v.x;
    const right = 1400 - ((380 + 300) * v.zoom + v.x);
    expect(Math.abs(left - right)).toBeLessThan(1);
  });

  it("frames a big view around its focus and neighbours at a readable zoom, the focus on screen", () => {
    const boxes = [...star(3), ...Array.from({ length: 60 }, (_, i) => box(`far${i}`, 2000 + (i % 6) * 380, i * 100))];
    expect(boxes.length).toBeGreaterThan(FRAME_WHOLE_LIMIT);
    const v = frameView(boxes, { focusId: "focus", near: ["up0", "up1", "up2", "down0", "down1", "down2"], width: 1000, height: 700 })!;
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    for (const id of ["focus", "up0", "down2"]) expect(isOnScreen(boxes.find((b) => b.id === id)!, v, 1000, 700)).toBe(true);
    expect(isOnScreen(boxes.find((b) => b.id === "far59")!, v, 1000, 700)).toBe(false);
  });

  it("frames the focus alone when its neighbours do not fit readably", () => {
    const boxes = star(40);
    const near = boxes.filter((b) => b.id !== "focus").map((b) => b.id);
    const v = frameView(boxes, { focusId: "focus", near, width: 1000, height: 700 })!;
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(isOnScreen(boxes[0]!, v, 1000, 700)).toBe(true);
  });

  it("answers null when the focus is not drawn or the canvas has no size", () => {
    expect(frameView(chain(3), { focusId: "elsewhere", near: [], width: 800, height: 600 })).toBeNull();
    expect(frameView(chain(3), { focusId: "n0", near: [], width: 0, height: 600 })).toBeNull();
  });
});

describe("isBiggerThanScreen", () => {
  it("is false for a dozen boxes however small the canvas, true for a long view that cannot be read whole", () => {
    expect(isBiggerThanScreen(chain(FRAME_WHOLE_LIMIT), 300, 300)).toBe(false);
    expect(isBiggerThanScreen(chain(40), 1000, 700)).toBe(true);
  });
});

describe("pickFrame", () => {
  it("frames from its own source text, as the explorer's first-frame script runs it, exactly as frameView does", () => {
    // What the script does: evaluate the function's text alone, with nothing of this module around it.
    const standalone = new Function(`return (${pickFrame.toString()})`)() as typeof pickFrame;
    const big = [...star(3), ...Array.from({ length: 60 }, (_, i) => box(`far${i}`, 2000 + (i % 6) * 380, i * 100))];
    const views: [FramedBox[], string, string[]][] = [
      [chain(9), "n8", ["n7"]],
      [big, "focus", ["up0", "up1", "up2", "down0", "down1", "down2"]],
      [star(40), "focus", star(40).slice(1).map((b) => b.id)],
    ];
    for (const [boxes, focusId, near] of views) {
      for (const [width, height] of [[1440, 795], [1024, 600], [604, 654], [0, 600]] as const) {
        const frames = framesOf(boxes, { focusId, near })!;
        expect(JSON.parse(JSON.stringify(standalone(JSON.parse(JSON.stringify(frames)), width, height, FIT_PADDING)))).toEqual(frameView(boxes, { focusId, near, width, height }));
      }
    }
  });

  it("takes the first frame that fits at its zoom, and the last one whatever its zoom", () => {
    const frames = [
      { x: 0, y: 0, width: 4000, height: 100, minZoom: 0.2, maxZoom: 1.1, atLeast: 0.45 },
      { x: 0, y: 0, width: 300, height: 70, minZoom: 0.65, maxZoom: 0.9, atLeast: 0 },
    ];
    expect(pickFrame(frames, 1000, 700, 0)!.zoom).toBe(0.9);
    expect(pickFrame(frames, 10_000, 700, 0)!.zoom).toBe(1.1);
  });
});

describe("framesOf", () => {
  it("gives a small view one frame, whole, and a big one three: whole, the focus's neighbourhood, the focus", () => {
    expect(framesOf(chain(FRAME_WHOLE_LIMIT), { focusId: "n0", near: [] })).toHaveLength(1);
    const frames = framesOf(star(40), { focusId: "focus", near: ["up0"] })!;
    expect(frames.map((f) => f.atLeast)).toEqual([0.45, READABLE_ZOOM, 0]);
    expect(frames[2]).toMatchObject({ x: 0, y: 0, width: 300, height: 70 });
    expect(framesOf(chain(3), { focusId: "elsewhere", near: [] })).toBeNull();
  });
});
