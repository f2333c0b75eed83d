"use client";

import { createContext, useContext } from "react";

/**
 * True inside a frozen view (a share link's snapshot): nothing drawn there may lead out of it, so
 * node cards leave out their "investigate" chip (a live page) and the panel shows code locations
 * as text rather than links.
 */
export const FrozenViewContext = createContext(false);

export function useIsFrozenView(): boolean {
  return useContext(FrozenViewContext);
}
