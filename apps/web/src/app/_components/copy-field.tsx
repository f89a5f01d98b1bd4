"use client";

import { useState } from "react";

/** A value to copy (a URL, a code snippet) with a button that copies it and says so. */
export function CopyField({ label, value, multiline = false }: { label: string; value: string; multiline?: boolean }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      // Clipboard access needs a secure context and permission; the text stays selectable.
      setCopied("failed");
    }
  };
  return (
    <div>
      <div className="copy-field">
        {multiline ? (
          <pre className="snippet" aria-label={label} tabIndex={0}>
            <code>{value}</code>
          </pre>
        ) : (
          <input type="text" readOnly value={value} aria-label={label} onFocus={(event) => event.currentTarget.select()} />
        )}
        <button type="button" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          Copy
        </button>
      </div>
      <span className="muted" role="status">
        {copied === "yes" ? "Copied." : copied === "failed" ? "Could not copy: select the text and copy it yourself." : ""}
      </span>
    </div>
  );
}
