"use client";

import { useEffect, useState } from "react";

/**
 * A time in the reader's own time zone and locale. The server does not know either, so it
 * renders UTC and the browser replaces it once mounted.
 */
export function LocalTime({ iso, className }: { iso: string; className?: string }) {
  const [text, setText] = useState(() => `${iso.slice(0, 16).replace("T", " ")} UTC`);
  useEffect(() => setText(new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })), [iso]);
  return (
    <time dateTime={iso} className={className}>
      {text}
    </time>
  );
}
