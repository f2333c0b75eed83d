"use client";

import { useEffect, useRef, type RefObject } from "react";

/**
 * Closes a popover (a menu, a small panel) the way people expect: on Escape, and on a press
 * anywhere outside it. `inside` are the elements that count as the popover (its panel, and its
 * trigger, whose own click toggles it). `onClose` says why, so Escape can hand focus back to the
 * trigger; the latest `onClose` is used without re-subscribing.
 */
export function useDismiss(isOpen: boolean, inside: readonly RefObject<HTMLElement | null>[], onClose: (reason: "escape" | "outside") => void): void {
  const latest = useRef({ inside, onClose });
  useEffect(() => {
    latest.current = { inside, onClose };
  });

  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      const isInside = latest.current.inside.some((ref) => ref.current?.contains(event.target as Node));
      if (!isInside) latest.current.onClose("outside");
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") latest.current.onClose("escape");
    };
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("keydown", onKeyDown);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKeyDown);
    };
  }, [isOpen]);
}
