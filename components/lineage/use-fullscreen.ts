"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Full screen for one element (the explorer, a shared view): `ref` goes on it, `toggle` enters or
 * leaves, and `isFullscreen` follows the browser, so Escape or the browser's own control leaving
 * full screen is seen too.
 */
export function useFullscreen<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [isFullscreen, setIsFullscreen] = useState(false);

  const toggle = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void ref.current?.requestFullscreen?.();
  }, []);

  useEffect(() => {
    const onChange = () => setIsFullscreen(document.fullscreenElement === ref.current);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  return { ref, isFullscreen, toggle };
}
